/** What a scenario reports, and how the run prints it: one table for humans, one JSON document for tools. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';

export interface Measurement {
  metric: string;
  unit: string;
  platform: number;
  /** The raw-Temporal baseline measured in the same run; null where the metric has no raw counterpart. */
  raw: number | null;
  /** The goal in words, e.g. "≤ 1.10× raw" (empty for context-only figures). */
  goal: string;
  /** Whether the goal was met; null for context-only figures. */
  met: boolean | null;
}

export interface ScenarioResult {
  id: number;
  name: string;
  measurements: Measurement[];
  /** Parameters and raw summaries, for the JSON report. */
  details: Record<string, unknown>;
}

export function ratio(m: Measurement): number | null {
  return m.raw ? m.platform / m.raw : null;
}

function fmt(value: number | null, digits = 2): string {
  if (value === null || Number.isNaN(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

export function printTable(results: ScenarioResult[]): void {
  const rows = [['#', 'metric', 'platform', 'raw', 'ratio', 'goal', 'met']];
  for (const r of results) {
    for (const m of r.measurements) {
      const rt = ratio(m);
      rows.push([String(r.id), `${m.metric} (${m.unit})`, fmt(m.platform), fmt(m.raw), rt === null ? '—' : `${rt.toFixed(2)}×`, m.goal || '—', m.met === null ? '' : m.met ? 'yes' : 'NO']);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench/results');

/** Writes the run's JSON document under bench/results/ (or `dir`) and returns its path. */
export function writeResults(prefix: string, document: object, dir = RESULTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
