import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__MFO_DEV_SERVER__?.stop();
  if (globalThis.__MFO_PG_DIR__) execFileSync(path.join(PROJECT_ROOT, 'scripts/pg-throwaway.sh'), ['stop', globalThis.__MFO_PG_DIR__]);
  if (globalThis.__MFO_TEMP_DIR__) fs.rmSync(globalThis.__MFO_TEMP_DIR__, { recursive: true, force: true });
}
