/**
 * Starts what the integration tests need, once: a real Temporal dev server (the `temporal` CLI; or the server at
 * MFO_TEST_TEMPORAL_ADDRESS), a real PostgreSQL (DATABASE_URL if given, else a throwaway cluster), migrations, and
 * one workflow bundle that every worker in the suite reuses. Anything missing fails the run with the fix in the
 * message; nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { openDatabase } from '../../db';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { PG_THROWAWAY } from '../../scripts/pg-throwaway';
import { requireTemporalCli } from '../../scripts/temporal-cli';
import { PLATFORM_BUNDLE_OPTIONS } from '../../workers/workflow-bundle';
import { freePort } from '../support/ports';
import type { TestEnvironment } from './env';

declare global {
  var __MFO_DEV_SERVER__: DevServer | undefined;
  var __MFO_PG_DIR__: string | undefined;
  var __MFO_TEMP_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfo-test-'));
  fs.chmodSync(tempDir, 0o755); // the throwaway cluster may run as the postgres user
  globalThis.__MFO_TEMP_DIR__ = tempDir;

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = path.join(tempDir, 'pg');
    databaseUrl = execFileSync(PG_THROWAWAY, ['start', pgDir, String(await freePort())], {
      encoding: 'utf8',
    }).trim();
    globalThis.__MFO_PG_DIR__ = pgDir;
  }
  const db = await openDatabase({ databaseUrl, pgliteDir: 'memory://' });
  try {
    await db.migrate();
  } catch (err) {
    throw new Error(`Could not migrate the test database at DATABASE_URL: ${(err as Error).message}`);
  } finally {
    await db.close();
  }

  // MFO_TEST_TEMPORAL_ADDRESS runs the suite against a given server (e.g. `npm run compose:temporal`'s, on
  // PostgreSQL); its `default` namespace must have the flows' search attributes. Otherwise a fresh dev server.
  const givenAddress = process.env.MFO_TEST_TEMPORAL_ADDRESS;
  const server = givenAddress ? null : await startTestDevServer(requireTemporalCli(), tempDir);
  globalThis.__MFO_DEV_SERVER__ = server ?? undefined;

  const bundle = await bundleWorkflowCode({ ...PLATFORM_BUNDLE_OPTIONS, logger: quietLogger });
  const workflowBundlePath = path.join(tempDir, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, bundle.code);

  const env: TestEnvironment = { temporalAddress: givenAddress ?? server!.address, databaseUrl, workflowBundlePath, tempDir };
  process.env.MFO_TEST_ENV = JSON.stringify(env);
}

/** A free port can be taken between probing and binding; on a bind failure, try fresh ports. */
async function startTestDevServer(cliPath: string, tempDir: string): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer({
        cliPath,
        port: await freePort(),
        uiPort: null,
        namespace: 'default',
        dbFile: null,
        logFile: path.join(tempDir, `temporal-${attempt}.log`),
      });
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
