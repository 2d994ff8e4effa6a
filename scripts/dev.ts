/**
 * `npm start`: the whole platform in one terminal. Starts (unless TEMPORAL_ADDRESS is set) the Temporal dev server
 * with its Web UI and a SQLite file under .data/, opens the database (PGlite under .data/ unless DATABASE_URL is
 * set) and migrates it, then runs the worker and the gateway in this process. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { installRuntime } from '../workers/runtime';
import { openDatabase, type Database } from '../db';
import { ensureTenant, issueKey } from '../api/key-store';
import { flowDataConverter } from '../security/data-converter';
import { AesGcmPayloadCodec, generateKeySpec } from '../security/payload-codec';
import { ensureSearchAttributes } from '../workers/search-attributes';
import { createFlowWorker } from '../workers/worker';
import { startDevServer, type DevServer } from './dev-server';
import { requireTemporalCli } from './temporal-cli';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'mfo');
  installRuntime(log, config.MFO_WORKER_METRICS_ADDRESS);

  const payloadKeys = config.MFO_PAYLOAD_KEYS ?? devPayloadKeys(config.dataDir);
  const codecEndpoint = `http://${config.HOST}:${config.PORT}/codec`;
  let devServer: DevServer | null = null;
  let address = config.TEMPORAL_ADDRESS;
  if (!address) {
    const cliPath = requireTemporalCli();
    const dbFile = path.join(config.dataDir, 'temporal.sqlite');
    log.info({ cli: cliPath, dbFile }, 'starting Temporal dev server');
    devServer = await startDevServer({
      cliPath,
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      dbFile,
      logFile: path.join(config.dataDir, 'temporal.log'),
      codecEndpoint,
    });
    address = devServer.address;
    log.info({ address, webUi: devServer.uiUrl }, `Temporal dev server listening on ${address}; Web UI at ${devServer.uiUrl}`);
  } else {
    log.info({ address }, 'using the Temporal cluster at TEMPORAL_ADDRESS');
  }

  const connection = await Connection.connect({ address });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log.info({ added }, 'registered search attributes');
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: flowDataConverter(payloadKeys) });

  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: path.join(config.dataDir, 'pglite') });
  await db.migrate();
  log.info({ database: db.kind, location: db.location }, `database ready (${db.kind} at ${db.location}), migrations applied`);

  log.info('bundling workflow code and starting the worker…');
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await createFlowWorker({ config, connection: workerConnection, db: db.db, logger: log, payloadKeys, workflowBundlePath: config.MFO_WORKFLOW_BUNDLE });
  const workerDone = worker.run();
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, `worker polling task queue ${config.TEMPORAL_TASK_QUEUE}`);

  const keys = await firstRunKeys(config.dataDir, db.db, config.MFO_ADMIN_KEY);
  log.info(`API keys: tenant default, operator dev in ${keys.operatorKeyFile}; platform admin in ${keys.adminKeySource}`);

  // The launcher's own Web UI (loopback) may decode without a key; anything else still needs one.
  const gatewayConfig = {
    ...config,
    MFO_ADMIN_KEY: keys.adminKey,
    MFO_CODEC_REQUIRE_KEY: false,
    MFO_CODEC_ORIGINS: [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`],
  };
  const app = createApp({ config: gatewayConfig, client, db: db.db, logger: log, codec: AesGcmPayloadCodec.fromSpec(payloadKeys) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  log.info(`gateway listening on http://${config.HOST}:${config.PORT}/api/v1 (codec endpoint ${codecEndpoint}) — press Ctrl-C to stop`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await new Promise((r) => server.close(r));
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone.catch((err) => log.error({ err }, 'worker stopped with an error'));
    await workerConnection.close();
    await connection.close();
    await db.close();
    await devServer?.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Development only: a generated payload key ring under the data directory, so `npm start` encrypts from the start. */
function devPayloadKeys(dataDir: string): string {
  const file = path.join(dataDir, 'payload.keys');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, generateKeySpec('dev1'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * A fresh `npm start` must be usable at once: the platform admin key comes from MFO_ADMIN_KEY or a generated file,
 * and a "default" tenant with an operator key is created once, its key written (0600) under the data directory.
 */
async function firstRunKeys(dataDir: string, db: Database, configured: string | undefined) {
  let adminKey = configured;
  let adminKeySource = 'MFO_ADMIN_KEY';
  if (!adminKey) {
    const file = path.join(dataDir, 'admin.key');
    if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    adminKey = fs.readFileSync(file, 'utf8').trim();
    adminKeySource = file;
  }
  await ensureTenant(db, 'default', 'Default tenant', 'npm start');
  const operatorKeyFile = path.join(dataDir, 'operator.key');
  if (!fs.existsSync(operatorKeyFile)) {
    const issued = await issueKey(db, 'default', 'dev', 'operator', 'npm start');
    fs.writeFileSync(operatorKeyFile, issued.key, { mode: 0o600 });
  }
  return { adminKey, adminKeySource, operatorKeyFile };
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
