/**
 * Shared by the discovery unit tests: fixture loading, the whole pure pipeline in one call, and fixture
 * generation through the script.
 *
 * Why a child process for generation: @faker-js/faker 10 ships ES modules only, and this Jest setup runs
 * CommonJS without transforming node_modules, so the generator cannot be imported into a test here. `tsx`
 * runs it natively; the files it writes are exactly what the committed fixtures are made of.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanseRows } from '../../activities/analysis/discovery/cleansing';
import { parseImport } from '../../activities/analysis/discovery/formats';
import { analyseDependencyGraph, describeMoveGroups } from '../../activities/analysis/discovery/graph';
import { buildInventory } from '../../activities/analysis/discovery/inventory';
import { resolveAmbiguous, suggestMapping } from '../../activities/analysis/discovery/mapping';
import { profileData } from '../../activities/analysis/discovery/profile';
import type { GroundTruth } from '../fixtures/generate';

const ROOT = join(__dirname, '..', '..');

export function fixture(name: string): string {
  return readFileSync(join(ROOT, 'tests', 'fixtures', name), 'utf8');
}

export function fixtureTruth(): GroundTruth {
  return JSON.parse(fixture('truth.json')) as GroundTruth;
}

export interface GeneratedFiles {
  cmdbCsv: string;
  jsonInventory: string;
  rvtoolsCsv: string;
  truth: GroundTruth;
}

export function generateWithScript(options: { seed: number; servers: number; applications: number }): GeneratedFiles {
  const out = mkdtempSync(join(tmpdir(), 'discovery-fixtures-'));
  try {
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/generate-fixtures.ts', '--seed', String(options.seed), '--servers', String(options.servers), '--applications', String(options.applications), '--out', out],
      { cwd: ROOT, stdio: 'pipe' },
    );
    const read = (name: string) => readFileSync(join(out, name), 'utf8');
    return { cmdbCsv: read('cmdb.csv'), jsonInventory: read('inventory.json'), rvtoolsCsv: read('rvtools-vinfo.csv'), truth: JSON.parse(read('truth.json')) as GroundTruth };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** import → profile → mapping (rules + resolver) → cleansing → inventory → graph → move groups. */
export function runPipeline(content: string, filename?: string) {
  const parsed = parseImport(content, filename);
  const profile = profileData(parsed.columns, parsed.rows);
  const suggested = suggestMapping(parsed.columns, parsed.rows);
  const mapping = resolveAmbiguous(suggested, parsed.columns, parsed.rows);
  const cleansing = cleanseRows(parsed.rows, mapping);
  const inventory = buildInventory(cleansing.assets);
  const edges = inventory.dependencies.map((dependency) => ({ from: dependency.fromKey, to: dependency.toKey }));
  const graph = analyseDependencyGraph(cleansing.assets.map((asset) => asset.key), edges);
  const moveGroups = describeMoveGroups(graph, cleansing.assets, inventory.applications, edges);
  return { parsed, profile, suggested, mapping, cleansing, inventory, graph, moveGroups };
}

/** Target per source column, for compact assertions. */
export function targets(mapping: { entries: { sourceColumn: string; target: string | null }[] }): Record<string, string | null> {
  return Object.fromEntries(mapping.entries.map((entry) => [entry.sourceColumn, entry.target]));
}
