/** Standalone gateway process: `npm run gateway`. Stateless: run as many as you like behind a load balancer. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openDatabase } from '../db';
import { createApp } from './app';
import { flowDataConverter, requirePayloadKeys } from '../security/data-converter';
import { AesGcmPayloadCodec } from '../security/payload-codec';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'gateway');
  if (!config.DATABASE_URL) {
    throw new Error('A standalone gateway needs DATABASE_URL (PostgreSQL). For the embedded database use `npm start`.');
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: `${config.dataDir}/pglite` });
  await db.migrate();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}` });
  const payloadKeys = requirePayloadKeys(config.MFO_PAYLOAD_KEYS);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: flowDataConverter(payloadKeys) });
  const codec = AesGcmPayloadCodec.fromSpec(payloadKeys);
  const server = createApp({ config, client, db: db.db, logger, codec }).listen(config.PORT, config.HOST, () => {
    logger.info(`gateway listening on http://${config.HOST}:${config.PORT}/api/v1`);
  });
  const stop = () => {
    server.close(async () => {
      await connection.close();
      await db.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
