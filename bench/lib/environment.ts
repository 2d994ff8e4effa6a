/**
 * The servers a benchmark run measures against: a fresh Temporal dev server (the real CLI) and PostgreSQL
 * (DATABASE_URL if set, otherwise a throwaway cluster), or a Temporal server given by the caller: the bench's
 * --temporal-address, or an enclosing run's TEMPORAL_ADDRESS, so a sub-benchmark in a child process shares it.
 * Platform and raw baseline share them too, so a ratio compares the two on the same server at the same time.
 *
 * The dev server keeps its state in a SQLite file by default, as `npm start` runs it. In memory (`memory`) its CPU
 * per flow grows with the flows it already holds (2× over 5,400 flows; BENCHMARKS.md, stop 19), so a figure would
 * depend on how many flows ran before it; on a file it stays level within this machine's noise.
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
  /** What the figures were measured on, for the report. */
  temporalServer: string;
  databaseUrl: string;
  tempDir: string;
  /** Processes this environment started, by role, for CPU accounting. */
  pids: Record<string, number>;
  /** Stops what this environment started (not servers it was given). */
  stop(): Promise<void>;
}

export const DEV_SERVER_STORES = ['file', 'memory'] as const;
export type DevServerStore = (typeof DEV_SERVER_STORES)[number];

/** A command-line flag's value as a store, or an error naming the flag and the values it takes. */
export function devServerStore(value: string | undefined, flag: string): DevServerStore {
  const store = DEV_SERVER_STORES.find((s) => s === value);
  if (!store) throw new Error(`${flag} wants ${DEV_SERVER_STORES.join(' or ')}, got '${value}'`);
  return store;
}

export interface GivenServers {
  temporalAddress?: string;
  databaseUrl?: string;
}

export interface DevServerChoice {
  store: DevServerStore;
  /** Serve the dev server's Prometheus metrics on this port. */
  metricsPort?: number;
  /** Dynamic config values for the dev server, `KEY=VALUE` each (--dev-server-config), over DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: string[];
}

/** A --dev-server-config value: `KEY=VALUE`, with the value as the dev server's flag takes it (JSON or a bare word). */
export function dynamicConfigValue(value: string): string {
  if (!/^[A-Za-z][\w.]*=.+$/.test(value)) throw new Error(`--dev-server-config wants KEY=VALUE (e.g. history.transferProcessorMaxPollRPS=1000), got '${value}'`);
  return value;
}

export async function startEnvironment(given: GivenServers = {}, devServer: DevServerChoice = { store: 'file' }): Promise<BenchEnvironment> {
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
  const server = given.temporalAddress
    ? null
    : await startDevServer({
        cliPath: requireTemporalCli(),
        port: await freePort(),
        uiPort: null,
        namespace: 'default',
        dbFile: devServer.store === 'file' ? path.join(tempDir, 'temporal', 'dev-server.sqlite') : null,
        logFile: path.join(tempDir, 'temporal.log'),
        metricsPort: devServer.metricsPort,
        dynamicConfig: devServer.dynamicConfig,
      });
  return {
    temporalAddress: given.temporalAddress ?? server!.address,
    temporalServer: server
      ? `a fresh dev server, state ${devServer.store === 'file' ? 'in a SQLite file' : 'in memory'}, with ${server.dynamicConfig.join(', ')}`
      : `the server at ${given.temporalAddress}`,
    databaseUrl,
    tempDir,
    pids: {
      ...(server ? { temporal: server.process.pid! } : {}),
      ...(pgDir ? { postgres: postmasterPid(pgDir) } : {}),
    },
    async stop() {
      await server?.stop();
      if (pgDir) execFileSync(PG_THROWAWAY, ['stop', pgDir]);
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
