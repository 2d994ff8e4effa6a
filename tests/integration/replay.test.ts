/**
 * Committed histories replayed against today's workflow code: a non-deterministic change to workflows/ fails
 * here before it can break flows already running in production. Refresh with `npm run histories`.
 * (The replay runs in its own process: protobuf types do not survive jest's module sandbox.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { FLOW_CATALOG, FLOW_TYPES } from '../../workflows/catalog';
import { readTestEnvironment } from '../setup/env';

test('every committed history replays without non-determinism', () => {
  const files = fs.readdirSync(path.join(__dirname, '..', 'histories')).filter((f) => f.endsWith('.json'));
  // Every flow type of the catalog and the programme, recorded in each generation of the engine that flows may still
  // be running on: before the agent-queue patch (pre-agent-queue-*), before agent phases tried the flow queue first
  // (pre-flow-queue-first-*), and today. Types are read from the histories themselves, not their file names.
  const typeOf = (file: string) => {
    const history = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'histories', file), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] };
    return history.events[0].workflowExecutionStartedEventAttributes?.workflowType?.name;
  };
  const expected = [...FLOW_TYPES.map((t) => FLOW_CATALOG[t].workflowType), 'programmeFlow'].sort();
  const generations = ['pre-agent-queue-', 'pre-flow-queue-first-'];
  const generationOf = (file: string) => generations.find((prefix) => file.startsWith(prefix)) ?? 'current';
  for (const generation of [...generations, 'current']) {
    expect([generation, [...new Set(files.filter((f) => generationOf(f) === generation).map(typeOf))].sort()]).toEqual([generation, expected]);
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/replay-histories.ts', readTestEnvironment().workflowBundlePath], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  const results = run.stdout.split('\n').filter((line) => line.startsWith('{"history"')).map((line) => JSON.parse(line) as { history: string; ok: boolean; error: string | null });
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results.map((r) => r.history).sort()).toEqual(files.sort());
  expect(run.status).toBe(0);
});
