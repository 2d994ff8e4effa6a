/**
 * Scale run: Discovery → Assessment → Planning over a generated inventory (default 10,000 servers) on a real
 * Temporal dev server and PostgreSQL, driven through the real gateway. Prints, per flow, wall time, the
 * process's peak RSS (worker and gateway run in this process) and the size of the flow's Temporal history.
 *
 *   npm run bench:scale [-- --servers 10000 --applications 1500 --flows discovery,assessment,planning]
 *
 * Uses DATABASE_URL if set, otherwise a throwaway PostgreSQL cluster; TEMPORAL_ADDRESS if set (the benchmark
 * runner's scenario 5 runs this in a child process on its own server), otherwise a fresh in-memory dev server.
 * Writes the figures to bench/results/scale-<timestamp>.json, or to --json-out.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { flowDataConverter } from '../security/data-converter';
import { AesGcmPayloadCodec, generateKeySpec } from '../security/payload-codec';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openDatabase } from '../db';
import { PROJECT_ROOT } from '../scripts/temporal-cli';
import { generateInventory } from '../tests/fixtures/generate';
import { operatorKey } from '../tests/support/api-client';
import { loadClient } from './lib/load-client';
import type { FlowState } from '../workflows/messages';
import { installRuntime } from '../workers/runtime';
import { createFlowWorker } from '../workers/worker';
import { startEnvironment } from './lib/environment';
import { machine, writeResults } from './lib/report';
import { runMain } from './lib/entry';

const SCALE_FLOWS = ['discovery', 'assessment', 'planning'] as const;

const { values: args } = parseArgs({
  options: {
    servers: { type: 'string', default: '10000' },
    applications: { type: 'string', default: '1500' },
    flows: { type: 'string', default: SCALE_FLOWS.join(',') },
    'json-out': { type: 'string' },
  },
});

interface ScaleRow {
  flowType: string;
  flowId: string;
  wallSeconds: number;
  peakRssMb: number;
  historyEvents: number;
  historyBytes: number;
  largestPayloadKb: number;
  summaries: string[];
}

async function main(): Promise<void> {
  const servers = Number(args.servers);
  const applications = Number(args.applications);
  const flows = args.flows.split(',');
  const env = await startEnvironment({ temporalAddress: process.env.TEMPORAL_ADDRESS, databaseUrl: process.env.DATABASE_URL });
  const config = loadConfig({ ...process.env, DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporalAddress, LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: `bench-scale-${randomUUID().slice(0, 8)}` });
  const logger = createLogger(config, 'bench');
  installRuntime(logger);
  const db = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: 'memory://' });
  const connection = await Connection.connect({ address: env.temporalAddress });
  const payloadKeys = generateKeySpec('bench');
  const client = new Client({ connection, dataConverter: flowDataConverter(payloadKeys) });
  const workerConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker = await createFlowWorker({ config, connection: workerConnection, db: db.db, logger, payloadKeys });
  const workerDone = worker.run();
  const adminKey = randomBytes(32).toString('base64url');
  const server = createApp({ config: { ...config, MFO_ADMIN_KEY: adminKey }, client, db: db.db, logger, codec: AesGcmPayloadCodec.fromSpec(payloadKeys) }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const api = loadClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, await operatorKey(db.db, 'bench-scale', 'bench'));

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const generated = generateInventory({ seed: 42, servers, applications });
  const upload = await api.request('POST', '/imports?filename=bench.csv', generated.cmdbCsv);
  console.log(`inventory: ${servers} servers, ${applications} applications, ${(generated.cmdbCsv.length / 1e6).toFixed(1)} MB CSV, ${upload.body.rowCount} rows`);

  const results: ScaleRow[] = [];
  async function run(flowType: string, input: Record<string, unknown>): Promise<FlowState> {
    peakRss = process.memoryUsage().rss;
    const started = Date.now();
    const { flowId } = (await api.request('POST', '/flows', { flowType, input, options: { autoApprove: true } })).body;
    let state: FlowState;
    for (;;) {
      state = (await api.request('GET', `/flows/${flowId}`)).body;
      if (state.status === 'completed') break;
      if (state.status !== 'running') throw new Error(`${flowType} stopped: ${state.status} ${JSON.stringify(state.lastError)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const wallMs = Date.now() - started;
    const handle = client.workflow.getHandle(flowId);
    const events = (await handle.fetchHistory()).events ?? [];
    const largestPayload = Math.max(
      ...events.map((e) => Buffer.byteLength(JSON.stringify(e.activityTaskCompletedEventAttributes?.result ?? e.workflowExecutionStartedEventAttributes?.input ?? ''))),
    );
    const row: ScaleRow = {
      flowType,
      flowId,
      wallSeconds: wallMs / 1000,
      peakRssMb: Math.round(peakRss / 1e6),
      historyEvents: events.length,
      // As the server accounts it (the figure its 50 MB history limit applies to).
      historyBytes: (await handle.describe()).historySize ?? NaN,
      largestPayloadKb: Math.round(largestPayload / 1024),
      summaries: state.phases.map((p) => `${p.name}: ${p.summary}`),
    };
    results.push(row);
    console.log(`${flowType.padEnd(11)} wall ${row.wallSeconds.toFixed(1).padStart(6)} s  peak RSS ${String(row.peakRssMb).padStart(5)} MB  history ${row.historyEvents} events, ${Math.round(row.historyBytes / 1024)} KB (largest payload ${row.largestPayloadKb} KB)`);
    return state;
  }

  const discovery = await run('discovery', { importId: upload.body.id });
  if (flows.includes('assessment') || flows.includes('planning')) {
    const assessment = await run('assessment', { discoveryFlowId: discovery.flowId, asOf: '2026-11-01' });
    if (flows.includes('planning')) await run('planning', { assessmentFlowId: assessment.flowId, startDate: '2027-01-04', maxAppsPerWave: 25, maxAssetsPerWave: 400 });
  }
  clearInterval(sampler);

  for (const r of results) for (const s of r.summaries) console.log(`  ${r.flowType} · ${s}`);
  const out = { machine: machine(), servers, applications, database: db.kind, results };
  const file = args['json-out'] ?? writeResults('scale', out);
  if (args['json-out']) fs.writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`written to ${path.relative(PROJECT_ROOT, file)}`);

  await api.close();
  server.close();
  worker.shutdown();
  await workerDone;
  await workerConnection.close();
  await connection.close();
  await db.close();
  await env.stop();
}

runMain(main);
