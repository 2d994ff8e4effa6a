/**
 * Committed histories replayed against today's workflow code: a non-deterministic change to workflows/ fails
 * here before it can break flows already running in production. Refresh with `npm run histories`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { readTestEnvironment } from '../setup/env';

const dir = path.join(__dirname, '..', 'histories');

test('every committed history replays without non-determinism', async () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(0);
  const histories = files.map((f) => ({ workflowId: f, history: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
  const results = Worker.runReplayHistories({ workflowBundle: { codePath: readTestEnvironment().workflowBundlePath } }, histories);
  const replayed: string[] = [];
  for await (const result of results) {
    expect(result.error).toBeUndefined();
    replayed.push(result.workflowId);
  }
  expect(replayed.sort()).toEqual(files.sort());
});
