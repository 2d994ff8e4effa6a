/**
 * Fault suite: the file-backed Temporal dev server (what `npm start` runs, SQLite under .data/) is killed mid-flow
 * and started again on the same file and port. The worker and gateway processes ride it out (they reconnect on
 * their own), running flows carry on from their history, and a flow parked at a gate is approved afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../scripts/dev-server';
import { requireTemporalCli } from '../../scripts/temporal-cli';
import { openDatabase, type DatabaseHandle } from '../../db';
import { flowDataConverter } from '../../security/data-converter';
import { stateQuery, type FlowState } from '../../workflows/messages';
import { generateInventory } from '../fixtures/generate';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';
import { apiClient, operatorKey, type ApiClient } from '../support/api-client';
import { freePort } from '../support/ports';
import { spawnService, startGateway, waitForWorker, type GatewayProcess, type ServiceEnv, type ServiceProcess } from '../support/processes';

const env = readTestEnvironment();
const dbFile = path.join(env.tempDir, `restart-${randomUUID().slice(0, 8)}`, 'temporal.sqlite');
let port: number;
let server: DevServer;
let db: DatabaseHandle;
let worker: ServiceProcess;
let gateway: GatewayProcess;
let api: ApiClient;
const tenant = `restart-${Date.now().toString(36)}`;

const start = () => startDevServer({ cliPath: requireTemporalCli(), port, uiPort: null, namespace: 'default', dbFile, logFile: path.join(env.tempDir, 'restart-temporal.log') });

/** A fresh connection per use: the test's own calls must not depend on a connection that saw the server die. */
async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await use(new Client({ connection, dataConverter: flowDataConverter(TEST_PAYLOAD_KEYS) }));
  } finally {
    await connection.close();
  }
}
/** Bytes 18 and 19 of a SQLite file's header are its write and read versions: 2 in write-ahead-log mode, 1 in the rollback-journal default. */
function sqliteFormatVersions(file: string): number[] {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  return [header[18], header[19]];
}

const state = (flowId: string) => withClient((c) => c.workflow.getHandle(flowId).query(stateQuery));

async function until(flowId: string, predicate: (s: FlowState) => boolean, timeoutMs: number): Promise<FlowState> {
  const deadline = Date.now() + timeoutMs;
  let last: FlowState | null = null;
  for (;;) {
    last = await state(flowId).catch(() => last);
    if (last && predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`flow ${flowId} stuck: ${JSON.stringify(last && { status: last.status, phases: last.phases.map((p) => `${p.name}:${p.status}`) })}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  port = await freePort();
  server = await start();
  db = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: 'memory://', poolSize: 2 });
  const service: ServiceEnv = { temporalAddress: server.address, databaseUrl: env.databaseUrl, taskQueue: `restart-${randomUUID().slice(0, 8)}`, payloadKeys: TEST_PAYLOAD_KEYS, workflowBundle: env.workflowBundlePath };
  worker = spawnService('workers/main.ts', service, { logFile: path.join(env.tempDir, 'restart-worker.log') });
  const connection = await Connection.connect({ address: server.address });
  await waitForWorker(connection, service.taskQueue, worker.child.pid!);
  await connection.close();
  gateway = await startGateway(service, { logFile: path.join(env.tempDir, 'restart-gateway.log') });
  api = apiClient(gateway.baseUrl, await operatorKey(db.db, tenant));
});

afterAll(async () => {
  await gateway?.stop();
  await worker?.stop();
  await server?.stop();
  await db?.close();
});

test('dev server killed and restarted mid-flow: flows continue, a gated flow is approved after, processes survive', async () => {
  const upload = async (seed: number) => {
    const res = await api.request('POST', `/imports?filename=restart-${seed}.csv`, generateInventory({ seed, servers: 2_000, applications: 150 }).cmdbCsv);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const startFlow = async (importId: string, autoApprove: boolean) => {
    const res = await api.request('POST', '/flows', { flowType: 'discovery', input: { importId }, options: { autoApprove } });
    expect(res.status).toBe(201);
    return res.body.flowId as string;
  };
  const gated = await startFlow(await upload(503), false);
  await until(gated, (s) => s.status === 'awaiting_approval', 90_000);
  // Started just before the kill, so it finds them mid-flow (a Discovery over 2,000 servers runs for seconds). Started
  // earlier, they could finish first on a fast machine, and the test would no longer kill anything running.
  const imports = [await upload(501), await upload(502)];
  const running = [await startFlow(imports[0], true), await startFlow(imports[1], true)];
  // The launcher runs the server's file in write-ahead-log mode, and the kill below is what that mode must survive.
  expect(sqliteFormatVersions(dbFile)).toEqual([2, 2]);
  const killedAt = Date.now();

  server.process.kill('SIGKILL');
  await new Promise<void>((resolve) => (server.process.exitCode !== null || server.process.signalCode !== null ? resolve() : server.process.once('exit', () => resolve())));
  await new Promise((r) => setTimeout(r, 3_000));
  server = await start();

  const finals = await Promise.all(running.map((id) => until(id, (s) => s.status !== 'running', 180_000)));
  expect(finals.map((s) => s.status)).toEqual(['completed', 'completed']);
  for (const s of finals) expect(s.phases.every((p) => p.status === 'completed' && p.runs === 1)).toBe(true);
  // The kill interrupted them: each finished on the restarted server (the workflow's clock is the server's).
  for (const s of finals) expect(Date.parse(s.completedAt!)).toBeGreaterThan(killedAt);

  // Through the same gateway process, which reconnected by itself.
  const approved = await api.request('POST', `/flows/${gated}/approve`, {});
  expect(approved.status).toBe(202);
  const gatedFinal = await until(gated, (s) => s.status !== 'running' && s.status !== 'awaiting_approval', 180_000);
  expect(gatedFinal.status).toBe('completed');
  expect(gatedFinal.phases.find((p) => p.name === 'field_mapping')!.approvedBy).toBeTruthy();

  expect(worker.child.exitCode).toBeNull();
  expect(gateway.child.exitCode).toBeNull();
  expect(sqliteFormatVersions(dbFile)).toEqual([2, 2]);
}, 400_000);
