/** Standalone worker process: `npm run worker`. Scale out by running more of these against one cluster. */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { installRuntime } from './runtime';
import { openDatabase } from '../db';
import { createFlowWorker } from './worker';
import { requirePayloadKeys } from '../security/data-converter';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'worker');
  installRuntime(logger, config.MFO_WORKER_METRICS_ADDRESS);
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  if (!config.DATABASE_URL) {
    // PGlite lives inside one process; a separate worker would open a second copy of the same files.
    throw new Error('A standalone worker needs DATABASE_URL (PostgreSQL). For the embedded database use `npm start`.');
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: `${config.dataDir}/pglite` });
  await db.migrate();
  const connection = await NativeConnection.connect({ address });
  const worker = await createFlowWorker({
    config,
    connection,
    db: db.db,
    logger,
    payloadKeys: requirePayloadKeys(config.MFO_PAYLOAD_KEYS),
    workflowBundlePath: config.MFO_WORKFLOW_BUNDLE,
  });
  logger.info({ address, taskQueue: config.TEMPORAL_TASK_QUEUE, database: db.location }, 'worker polling');
  await worker.run(); // resolves after SIGINT/SIGTERM, which the SDK handles by draining
  await connection.close();
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
