/**
 * Scale run: Discovery → Assessment → Planning over a generated inventory (default 10,000 servers) on a real
 * Temporal dev server and PostgreSQL, driven through the real gateway. Prints, per flow, wall time, the
 * process's peak RSS (worker and gateway run in this process) and the size of the flow's Temporal history,
 * and writes the figures to bench/results/scale-<timestamp>.json.
 *
 *   npm run bench:scale [-- --servers 10000 --applications 1500]
 *
 * Uses DATABASE_URL if set, otherwise a throwaway PostgreSQL cluster; always a fresh in-memory dev server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createApp } from '../api/app';
import { ensureTenant, issueKey } from '../api/key-store';
import { flowDataConverter } from '../security/data-converter';
import { AesGcmPayloadCodec, generateKeySpec } from '../security/payload-codec';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { openDatabase } from '../db';
import { startDevServer } from '../scripts/dev-server';
import { PROJECT_ROOT, requireTemporalCli } from '../scripts/temporal-cli';
import { generateInventory } from '../tests/fixtures/generate';
import type { FlowState } from '../workflows/messages';
import { createFlowWorker } from '../workers/worker';

const { values: args } = parseArgs({
  options: { servers: { type: 'string', default: '10000' }, applications: { type: 'string', default: '1500' } },
});

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const servers = Number(args.servers);
  const applications = Number(args.applications);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfo-bench-'));
  fs.chmodSync(temp, 0o755);
  let pgDir: string | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    pgDir = path.join(temp, 'pg');
    databaseUrl = execFileSync(path.join(PROJECT_ROOT, 'scripts/pg-throwaway.sh'), ['start', pgDir, String(await freePort())], { encoding: 'utf8' }).trim();
  }
  const devServer = await startDevServer({ cliPath: requireTemporalCli(), port: await freePort(), uiPort: null, namespace: 'default', dbFile: null, logFile: path.join(temp, 'temporal.log') });
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: devServer.address, LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: 'bench' });
  const logger = createLogger(config, 'bench');
  const db = await openDatabase({ databaseUrl, pgliteDir: 'memory://' });
  await db.migrate();
  const connection = await Connection.connect({ address: devServer.address });
  const payloadKeys = generateKeySpec('bench');
  const client = new Client({ connection, dataConverter: flowDataConverter(payloadKeys) });
  const workerConnection = await NativeConnection.connect({ address: devServer.address });
  const worker = await createFlowWorker({ config, connection: workerConnection, db: db.db, logger, payloadKeys });
  const workerDone = worker.run();
  const adminKey = randomBytes(32).toString('base64url');
  const server = createApp({ config: { ...config, MFO_ADMIN_KEY: adminKey }, client, db: db.db, logger, codec: AesGcmPayloadCodec.fromSpec(payloadKeys) }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  await ensureTenant(db.db, 'bench', 'Benchmark', 'bench');
  const { key } = await issueKey(db.db, 'bench', 'bench', 'operator', 'bench');
  const api = async (method: string, p: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(`${base}${p}`, { method, body, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': contentType } : {}) } });
    return (await res.json()) as any;
  };

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const generated = generateInventory({ seed: 42, servers, applications });
  const upload = await api('POST', '/imports?filename=bench.csv', generated.cmdbCsv, 'text/csv');
  console.log(`inventory: ${servers} servers, ${applications} applications, ${(generated.cmdbCsv.length / 1e6).toFixed(1)} MB CSV, ${upload.rowCount} rows`);

  const results: Record<string, unknown>[] = [];
  async function run(flowType: string, input: Record<string, unknown>): Promise<FlowState> {
    peakRss = process.memoryUsage().rss;
    const started = Date.now();
    const { flowId } = await api('POST', '/flows', JSON.stringify({ flowType, input, options: { autoApprove: true } }));
    let state: FlowState;
    for (;;) {
      state = await api('GET', `/flows/${flowId}`);
      if (state.status === 'completed') break;
      if (!['running'].includes(state.status)) throw new Error(`${flowType} stopped: ${state.status} ${JSON.stringify(state.lastError)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const wallMs = Date.now() - started;
    const history = await client.workflow.getHandle(flowId).fetchHistory();
    const events = history.events ?? [];
    const historyBytes = Buffer.byteLength(JSON.stringify(history));
    const largestPayload = Math.max(
      ...events.map((e) => Buffer.byteLength(JSON.stringify(e.activityTaskCompletedEventAttributes?.result ?? e.workflowExecutionStartedEventAttributes?.input ?? ''))),
    );
    const row = { flowType, flowId, wallSeconds: wallMs / 1000, peakRssMb: Math.round(peakRss / 1e6), historyEvents: events.length, historyKb: Math.round(historyBytes / 1024), largestPayloadKb: Math.round(largestPayload / 1024), summaries: state.phases.map((p) => `${p.name}: ${p.summary}`) };
    results.push(row);
    console.log(`${flowType.padEnd(11)} wall ${row.wallSeconds.toFixed(1).padStart(6)} s  peak RSS ${String(row.peakRssMb).padStart(5)} MB  history ${row.historyEvents} events, ${row.historyKb} KB (largest payload ${row.largestPayloadKb} KB)`);
    return state;
  }

  const discovery = await run('discovery', { importId: upload.id });
  const assessment = await run('assessment', { discoveryFlowId: discovery.flowId, asOf: '2026-11-01' });
  await run('planning', { assessmentFlowId: assessment.flowId, startDate: '2027-01-04', maxAppsPerWave: 25, maxAssetsPerWave: 400 });
  clearInterval(sampler);

  for (const r of results) for (const s of r.summaries as string[]) console.log(`  ${r.flowType} · ${s}`);
  const out = { machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version }, servers, applications, database: db.kind, results };
  fs.mkdirSync(path.join(PROJECT_ROOT, 'bench/results'), { recursive: true });
  const file = path.join(PROJECT_ROOT, 'bench/results', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out.results.map(({ summaries: _s, ...r }) => r)));
  console.log(`written to ${path.relative(PROJECT_ROOT, file)}`);

  server.close();
  worker.shutdown();
  await workerDone;
  await workerConnection.close();
  await connection.close();
  await db.close();
  await devServer.stop();
  if (pgDir) execFileSync(path.join(PROJECT_ROOT, 'scripts/pg-throwaway.sh'), ['stop', pgDir]);
  fs.rmSync(temp, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
