/** Starts `temporal server start-dev` with the flow search attributes and waits until it answers. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { FLOW_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number | null; // null = headless
  namespace: string;
  /** SQLite file so flows survive a restart; null keeps everything in memory. */
  dbFile: string | null;
  codecEndpoint?: string;
  logFile?: string;
  /** Serve the server's Prometheus metrics on this port (benchmarks read its persistence timings). */
  metricsPort?: number;
  /** More dynamic config, `KEY=VALUE` each, laid over DEV_SERVER_DYNAMIC_CONFIG key by key; benchmarks try server settings with it. */
  dynamicConfig?: string[];
}

/**
 * Dynamic config every dev server started here gets, unless `dynamicConfig` sets the same key.
 *
 * - `system.forceSearchAttributesCacheRefreshOnRead=false`: the CLI's dev server reads search-attribute definitions
 *   from its database on every use unless told otherwise (so that attributes added at run time apply at once), and
 *   every flow event that sets an attribute then costs it several metadata reads. The flows' attributes are
 *   registered by flags before any flow exists, so the server's cache is safe here, as it is on a production server.
 * - `history.transferProcessorMaxPollRPS=1000`: the history service reads its transfer queue at most this many times
 *   a second per shard (default 20), and the dev server has one shard. Each completed activity's next workflow task
 *   waits in that queue, ~25 ms on average, so every phase of every flow took about 50 ms whatever the workers did
 *   (BENCHMARKS.md, stop 30). A production cluster spreads the same limit over hundreds of shards. The reader is
 *   woken by new tasks, so the higher ceiling costs nothing while the server is idle.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = [
  'system.forceSearchAttributesCacheRefreshOnRead=false',
  'history.transferProcessorMaxPollRPS=1000',
];

/** DEV_SERVER_DYNAMIC_CONFIG with the caller's `KEY=VALUE` values laid over it, key by key. */
export function devServerDynamicConfig(given: readonly string[] = []): string[] {
  const keyOf = (value: string) => value.slice(0, value.indexOf('='));
  const givenKeys = new Set(given.map(keyOf));
  return [...DEV_SERVER_DYNAMIC_CONFIG.filter((value) => !givenKeys.has(keyOf(value))), ...given];
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  /** The dynamic config it was started with (DEV_SERVER_DYNAMIC_CONFIG and the caller's values), `KEY=VALUE` each. */
  dynamicConfig: string[];
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Fails when something already listens on the port. The readiness poll below cannot tell servers apart: it would
 * take another Temporal there (a second `npm start`, compose's) for this one, while ours exits unable to bind.
 */
async function requireFreePort(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} on 127.0.0.1 is already in use (another Temporal server?): stop it, set TEMPORAL_DEV_PORT to a free port, or set TEMPORAL_ADDRESS to use that server`)
          : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  await requireFreePort(options.port);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  args.push(...(options.uiPort === null ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
    // SQLite's default rollback journal creates, syncs and deletes a journal file on every commit, and the server
    // commits on every workflow event, over one connection. Write-ahead logging appends instead and syncs only at
    // checkpoints: the server spends half the CPU per flow and runs about twice the flows per second (BENCHMARKS,
    // "Stop 24"). A killed server loses nothing committed; only an OS crash may lose the last commits, which a
    // development server can afford.
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  if (options.metricsPort) args.push('--metrics-port', String(options.metricsPort));
  for (const key of FLOW_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  const dynamicConfig = devServerDynamicConfig(options.dynamicConfig);
  for (const value of dynamicConfig) args.push('--dynamic-config-value', value);

  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(options.cliPath, args, { stdio: ['ignore', out, out] });
  const address = `127.0.0.1:${options.port}`;
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });

  // The dev server takes a few seconds on a busy 2-core machine; poll rather than guess.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`temporal dev server ${exited}${options.logFile ? `; see ${options.logFile}` : ''}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address} within 60 s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: options.uiPort === null ? null : `http://127.0.0.1:${options.uiPort}`,
    dynamicConfig,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
