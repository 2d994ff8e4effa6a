/**
 * Fault suite: the gateway process dies while a control update is in flight, and the caller retries through a new
 * gateway with the same Idempotency-Key. The key is the update id, so Temporal applies the update exactly once:
 * one reject-with-feedback means one re-run of the phase, however many times the request was sent.
 * The worker is held down while the first request is in flight, so the gateway is certainly killed mid-update
 * (the update cannot complete without a worker), not before or after it; the server keeps the update, which then
 * takes effect, so the retry is the case update ids exist for.
 *
 * The same for a start: the gateway dies after claiming the start's Idempotency-Key, either before Temporal has the
 * start (its requests to Temporal are cut) or after Temporal has recorded it (only the answers are cut), and the
 * caller's retry through a new gateway yields exactly one flow, the one the key claimed.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { openDatabase, type DatabaseHandle } from '../../db';
import { flowStartKeys } from '../../db/schema';
import { flowDataConverter } from '../../security/data-converter';
import { stateQuery, type FlowState } from '../../workflows/messages';
import { generateInventory } from '../fixtures/generate';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';
import { apiClient, operatorKey } from '../support/api-client';
import { startTcpProxy, type ProxyMode } from '../support/tcp-proxy';
import { spawnService, startGateway, waitForWorker, type GatewayProcess, type ServiceEnv, type ServiceProcess } from '../support/processes';

const env = readTestEnvironment();
let db: DatabaseHandle;
let connection: Connection;
let client: Client;
let service: ServiceEnv;
let worker: ServiceProcess | null = null;
let gateway: GatewayProcess | null = null;
const tenant = `gwrestart-${Date.now().toString(36)}`;

async function startWorker(): Promise<void> {
  worker = spawnService('workers/main.ts', service, { logFile: path.join(env.tempDir, 'gwrestart-worker.log') });
  await waitForWorker(connection, service.taskQueue, worker.child.pid!);
}

async function until(flowId: string, predicate: (s: FlowState) => boolean, timeoutMs = 90_000): Promise<FlowState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await client.workflow.getHandle(flowId).query(stateQuery).catch(() => null);
    if (s && predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`flow ${flowId} stuck: ${JSON.stringify(s && { status: s.status, phases: s.phases.map((p) => `${p.name}:${p.status}:${p.runs}`) })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: 'memory://', poolSize: 2 });
  connection = await Connection.connect({ address: env.temporalAddress });
  client = new Client({ connection, dataConverter: flowDataConverter(TEST_PAYLOAD_KEYS) });
  service = { temporalAddress: env.temporalAddress, databaseUrl: env.databaseUrl, taskQueue: `gwrestart-${randomUUID().slice(0, 8)}`, payloadKeys: TEST_PAYLOAD_KEYS, workflowBundle: env.workflowBundlePath };
  await startWorker();
});

afterAll(async () => {
  await gateway?.stop();
  await worker?.stop();
  await connection?.close();
  await db?.close();
});

test('gateway killed during a reject update: the retry with the same Idempotency-Key applies it exactly once', async () => {
  gateway = await startGateway(service, { logFile: path.join(env.tempDir, 'gwrestart-gateway.log') });
  const key = await operatorKey(db.db, tenant);
  let api = apiClient(gateway.baseUrl, key);
  const upload = await api.request('POST', '/imports?filename=gw.csv', generateInventory({ seed: 503, servers: 200, applications: 20 }).cmdbCsv);
  expect(upload.status).toBe(201);
  const started = await api.request('POST', '/flows', { flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: false } });
  expect(started.status).toBe(201);
  const flowId: string = started.body.flowId;
  await until(flowId, (s) => s.status === 'awaiting_approval' && s.currentPhase === 'field_mapping');

  await worker!.stop();
  const idempotencyKey = randomUUID();
  const reject = { phase: 'field_mapping', feedback: 'Map "Server Name" to hostname, not to the application.' };
  const lost = api.request('POST', `/flows/${flowId}/reject`, reject, { 'idempotency-key': idempotencyKey }).then(
    (res) => `answered ${res.status}`,
    (err: Error) => `failed: ${err.message}`,
  );
  await new Promise((r) => setTimeout(r, 1_500));
  await gateway.kill();
  expect(await lost).toMatch(/^failed/); // the caller never learnt whether its reject was applied

  gateway = await startGateway(service, { logFile: path.join(env.tempDir, 'gwrestart-gateway.log') });
  api = apiClient(gateway.baseUrl, key);
  await startWorker();
  // The server kept the orphaned update: once a worker is back it takes effect, with nobody waiting for the answer.
  const applied = await until(flowId, (s) => s.status === 'awaiting_approval' && s.phases.find((p) => p.name === 'field_mapping')!.runs === 2);
  expect(applied.phases.find((p) => p.name === 'field_mapping')!.feedback.map((f) => f.text)).toEqual([reject.feedback]);

  // The caller, not knowing that, retries with the same key: answered with the outcome, not applied a second time
  // (a fresh key here would be a second reject, a third run of the phase).
  const retried = await api.request('POST', `/flows/${flowId}/reject`, reject, { 'idempotency-key': idempotencyKey });
  expect(retried.status).toBe(202);
  await new Promise((r) => setTimeout(r, 2_000));
  const after = await until(flowId, (s) => s.status === 'awaiting_approval');
  const mapping = after.phases.find((p) => p.name === 'field_mapping')!;
  expect(mapping.runs).toBe(2);
  expect(mapping.feedback.map((f) => f.text)).toEqual([reject.feedback]);

  // History: the reject update was accepted once, under the caller's key.
  const events = (await client.workflow.getHandle(flowId).fetchHistory()).events ?? [];
  const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest?.meta?.updateId);
  expect(accepted).toEqual([idempotencyKey]);
}, 300_000);

/** Polls `probe` until it returns a value, for at most `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.each<[ProxyMode, string]>([
  ['drop-requests', 'before Temporal had the start'],
  ['drop-responses', 'after Temporal recorded the start, before the caller heard'],
])('gateway killed during a keyed start (%s: %s): the retry yields exactly the one flow the key claimed', async (cut) => {
  await gateway?.stop(); // the previous test's
  const startTenant = `gwstart-${cut.split('-')[1]}-${Date.now().toString(36)}`;
  const key = await operatorKey(db.db, startTenant);
  const proxy = await startTcpProxy(service.temporalAddress);
  try {
    gateway = await startGateway({ ...service, temporalAddress: proxy.address }, { logFile: path.join(env.tempDir, `gwstart-${cut}-gateway.log`) });
    let api = apiClient(gateway.baseUrl, key);
    const upload = await api.request('POST', '/imports?filename=gw.csv', generateInventory({ seed: 504, servers: 50, applications: 5 }).cmdbCsv);
    expect(upload.status).toBe(201);
    const body = { flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: true } };
    const idempotencyKey = randomUUID();

    proxy.mode = cut;
    const lost = api.request('POST', '/flows', body, { 'idempotency-key': idempotencyKey }).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    const claim = await eventually('the key to be claimed', async () => {
      const [row] = await db.db.select().from(flowStartKeys).where(and(eq(flowStartKeys.tenantId, startTenant), eq(flowStartKeys.key, idempotencyKey)));
      return row;
    });
    const described = () => client.workflow.getHandle(claim.flowId).describe();
    if (cut === 'drop-responses') {
      await eventually('Temporal to record the start', () => described().catch(() => null));
    } else {
      await new Promise((r) => setTimeout(r, 1_000));
      await expect(described()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
    await gateway.kill();
    expect(await lost).toMatch(/^failed/);

    gateway = await startGateway(service, { logFile: path.join(env.tempDir, `gwstart-${cut}-gateway-2.log`) });
    api = apiClient(gateway.baseUrl, key);
    const retried = await api.request('POST', '/flows', body, { 'idempotency-key': idempotencyKey });
    expect(retried.status).toBe(201);
    expect(retried.body.flowId).toBe(claim.flowId);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    await until(claim.flowId, (s) => s.status === 'completed');
    // Temporal's own record: one flow for this tenant, under the claimed id.
    const flows = [];
    for await (const info of client.workflow.list({ query: `TenantId = '${startTenant}'` })) flows.push(info.workflowId);
    expect(flows).toEqual([claim.flowId]);
  } finally {
    await gateway?.stop();
    gateway = null;
    await proxy.close();
  }
}, 180_000);
