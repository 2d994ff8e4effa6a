/** The committed histories the workflow-code tools replay: the current engine's, without the `pre-*` generations. */
import fs from 'node:fs';
import path from 'node:path';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { flowDataConverter } from '../../security/data-converter';
import { TEST_PAYLOAD_KEYS } from '../../tests/setup/env';
import { bundlePlatformWorkflows } from './bundles';

const HISTORIES_DIR = path.join(PROJECT_ROOT, 'tests', 'histories');

export interface CommittedHistory {
  file: string;
  /** The history as `temporal workflow show --output json` wrote it (what Worker.runReplayHistory takes). */
  history: { events: { eventType?: string }[] };
}

export function currentEngineHistories(): CommittedHistory[] {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('pre-'))
    .sort()
    .map((file) => ({ file, history: JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) }));
}

/** What replaying them takes: the platform's bundle and the test key ring the histories were encrypted with (tests/setup/env.ts). */
export async function committedHistoriesReplayOptions(): Promise<ReplayWorkerOptions> {
  return { workflowBundle: { code: await bundlePlatformWorkflows() }, dataConverter: flowDataConverter(TEST_PAYLOAD_KEYS) };
}
