/**
 * Replays every committed history under tests/histories/ (or `--dir DIR`) against the current workflow code and
 * prints one JSON line per history. Exits non-zero on any non-determinism. `npm run replay [bundle-path] [--dir DIR]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from './temporal-cli';
import { flowDataConverter } from '../security/data-converter';
import { PLATFORM_WORKFLOWS_SOURCE } from '../workers/workflow-bundle';
import { TEST_PAYLOAD_KEYS } from '../tests/setup/env';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { dir: { type: 'string' } }, allowPositionals: true });
  const dir = values.dir ?? path.join(PROJECT_ROOT, 'tests', 'histories');
  const bundlePath = positionals[0];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const histories = files.map((f) => ({ workflowId: f, history: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
  // Histories are encrypted with the test key ring they were recorded with (tests/setup/env.ts).
  const dataConverter = flowDataConverter(process.env.MFO_PAYLOAD_KEYS ?? TEST_PAYLOAD_KEYS);
  const source = bundlePath ? { workflowBundle: { codePath: bundlePath }, dataConverter } : { ...PLATFORM_WORKFLOWS_SOURCE, dataConverter };
  let failed = 0;
  for await (const result of Worker.runReplayHistories(source, histories)) {
    if (result.error) failed++;
    console.log(JSON.stringify({ history: result.workflowId, ok: !result.error, error: result.error ? String(result.error) : null }));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
