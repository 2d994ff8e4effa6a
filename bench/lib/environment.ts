/**
 * The servers a benchmark run measures against: a fresh in-memory Temporal dev server (the real CLI) and
 * PostgreSQL (DATABASE_URL if set, otherwise a throwaway cluster), or a Temporal server given by the caller: the
 * bench's --temporal-address, or an enclosing run's TEMPORAL_ADDRESS, so a sub-benchmark in a child process shares
 * it. Platform and raw baseline share them too, so a ratio compares the two on the same server at the same time.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db';
import { startDevServer } from '../../scripts/dev-server';
import { PG_THROWAWAY, postmasterPid } from '../../scripts/pg-throwaway';
import { requireTemporalCli } from '../../scripts/temporal-cli';
import { freePort } from '../../tests/support/ports';

export interface BenchEnvironment {
  temporalAddress: string;
  databaseUrl: string;
  tempDir: string;
  /** Processes this environment started, by role, for CPU accounting. */
  pids: Record<string, number>;
  /** Stops what this environment started (not servers it was given). */
  stop(): Promise<void>;
}

export async function startEnvironment(given: { temporalAddress?: string; databaseUrl?: string } = {}): Promise<BenchEnvironment> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfo-bench-'));
  fs.chmodSync(tempDir, 0o755); // the throwaway cluster runs as the postgres user when we are root
  let pgDir: string | null = null;
  let databaseUrl = given.databaseUrl;
  if (!databaseUrl) {
    pgDir = path.join(tempDir, 'pg');
    databaseUrl = execFileSync(PG_THROWAWAY, ['start', pgDir, String(await freePort())], { encoding: 'utf8' }).trim();
  }
  const db = await openDatabase({ databaseUrl, pgliteDir: 'memory://' });
  await db.migrate();
  await db.close();
  const devServer = given.temporalAddress
    ? null
    : await startDevServer({
        cliPath: requireTemporalCli(),
        port: await freePort(),
        uiPort: null,
        namespace: 'default',
        dbFile: null,
        logFile: path.join(tempDir, 'temporal.log'),
      });
  return {
    temporalAddress: given.temporalAddress ?? devServer!.address,
    databaseUrl,
    tempDir,
    pids: {
      ...(devServer ? { temporal: devServer.process.pid! } : {}),
      ...(pgDir ? { postgres: postmasterPid(pgDir) } : {}),
    },
    async stop() {
      await devServer?.stop();
      if (pgDir) execFileSync(PG_THROWAWAY, ['stop', pgDir]);
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
