import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { PG_THROWAWAY } from '../../scripts/pg-throwaway';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__MFO_DEV_SERVER__?.stop();
  if (globalThis.__MFO_PG_DIR__) execFileSync(PG_THROWAWAY, ['stop', globalThis.__MFO_PG_DIR__]);
  if (globalThis.__MFO_TEMP_DIR__) fs.rmSync(globalThis.__MFO_TEMP_DIR__, { recursive: true, force: true });
}
