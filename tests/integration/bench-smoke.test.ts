/**
 * The benchmark harness end to end, as a user runs it: `npm run bench -- --quick --only 1,5` starts its own dev
 * server and PostgreSQL, the gateway and both sides' workers, runs the scenarios and writes the JSON. Scenario 1
 * runs the no-op platform worker against the raw one, scenario 5 the real worker through the gateway, so a break
 * anywhere in the harness fails here rather than in the next benchmark session. Figures are not judged: this machine
 * is shared, and the goals are for `npm run bench` at full size (BENCHMARKS.md).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { readTestEnvironment } from '../setup/env';

const env = readTestEnvironment();

interface Measurement {
  metric: string;
  platform: number | null;
  raw: number | null;
  goal: string;
  met: boolean | null;
}

interface BenchDocument {
  temporalServer: string;
  quick: boolean;
  results: { id: number; name: string; measurements: Measurement[] }[];
}

test('npm run bench -- --quick runs scenarios 1 and 5 on both sides and writes their figures', () => {
  const resultsDir = fs.mkdtempSync(path.join(env.tempDir, 'bench-results-'));
  // Its own servers, as for a user: not the suite's database or dev server.
  const { DATABASE_URL: _suiteDatabase, ...childEnv } = process.env;
  const run = spawnSync('npx', ['tsx', 'bench/run.ts', '--quick', '--only', '1,5', '--results-dir', resultsDir], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    encoding: 'utf8',
    timeout: 270_000,
  });
  if (run.status !== 0) throw new Error(`bench exited ${run.status ?? run.signal}:\n${run.stdout}\n${run.stderr}`);

  const files = fs.readdirSync(resultsDir);
  expect(files).toEqual([expect.stringMatching(/^bench-quick-.+\.json$/)]);
  const document = JSON.parse(fs.readFileSync(path.join(resultsDir, files[0]), 'utf8')) as BenchDocument;
  expect(document.quick).toBe(true);
  expect(document.temporalServer).toContain('history.transferProcessorMaxPollRPS=1000');
  expect(document.results.map((r) => r.id)).toEqual([1, 5]);
  for (const result of document.results) expect(result.name).not.toMatch(/^FAILED/);

  const measurement = (id: number, metric: string): Measurement => {
    const found = document.results.find((r) => r.id === id)!.measurements.find((m) => m.metric.startsWith(metric));
    if (!found) throw new Error(`scenario ${id} has no '${metric}' measurement`);
    return found;
  };
  // Scenario 1 measured both sides and judged its goal on them.
  const cycle = measurement(1, 'phase cycle mean, no-op phases');
  expect(cycle.platform).toBeGreaterThan(0);
  expect(cycle.raw).toBeGreaterThan(0);
  expect(cycle.goal).toBe('≤ 1.10× raw');
  expect(typeof cycle.met).toBe('boolean');
  // Scenario 5 ran a real Discovery over 1,000 servers to completion through the gateway.
  expect(measurement(5, 'wall time').platform).toBeGreaterThan(0);
  expect(measurement(5, 'peak RSS').platform).toBeGreaterThan(0);
  expect(measurement(5, 'history size').platform).toBeGreaterThan(0);

  // The table is printed too, one row per measurement.
  expect(run.stdout).toMatch(/^1 +phase cycle mean, no-op phases \(ms\)/m);
  expect(run.stdout).toMatch(/^5 +wall time \(s\)/m);
}, 300_000);
