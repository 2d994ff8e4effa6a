/**
 * Fault suite: PostgreSQL stops for 30 s while Discovery phases are running. Phase activities wait the outage out
 * inside their attempt (activities/database-outage.ts) and the pool survives its idle connections dying, so no
 * flow fails, none needs attention, no phase runs twice, and nothing is stored twice. Runs on a PostgreSQL cluster
 * of its own (the suite's shared one keeps serving the other files) and the real worker process.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { and, count, countDistinct, eq } from 'drizzle-orm';
import { assets, phaseArtifacts } from '../../db/schema';
import { openDatabase, type DatabaseHandle } from '../../db';
import { PG_THROWAWAY as PG } from '../../scripts/pg-throwaway';
import { flowDataConverter } from '../../security/data-converter';
import { stateQuery, type FlowState } from '../../workflows/messages';
import { generateInventory } from '../fixtures/generate';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';
import { apiClient, operatorKey, type ApiClient } from '../support/api-client';
import { freePort } from '../support/ports';
import { spawnService, startGateway, waitForWorker, type GatewayProcess, type ServiceEnv, type ServiceProcess } from '../support/processes';

const OUTAGE_MS = 30_000;
const FLOWS = 4;
const WORKER_LOG = process.env.MFO_OUTAGE_WORKER_LOG ?? path.join(readTestEnvironment().tempDir, 'outage-worker.log');

const env = readTestEnvironment();
const pgDir = path.join(env.tempDir, `pg-outage-${randomUUID().slice(0, 8)}`);
let pgPort: number;
let db: DatabaseHandle;
let connection: Connection;
let client: Client;
let worker: ServiceProcess;
let gateway: GatewayProcess;
let api: ApiClient;
const tenant = `outage-${Date.now().toString(36)}`;

beforeAll(async () => {
  pgPort = await freePort();
  const databaseUrl = execFileSync(PG, ['start', pgDir, String(pgPort)], { encoding: 'utf8' }).trim();
  db = await openDatabase({ databaseUrl, pgliteDir: 'memory://', poolSize: 2 });
  await db.migrate();
  const service: ServiceEnv = { temporalAddress: env.temporalAddress, databaseUrl, taskQueue: `outage-${randomUUID().slice(0, 8)}`, payloadKeys: TEST_PAYLOAD_KEYS, workflowBundle: env.workflowBundlePath };
  connection = await Connection.connect({ address: env.temporalAddress });
  client = new Client({ connection, dataConverter: flowDataConverter(TEST_PAYLOAD_KEYS) });
  worker = spawnService('workers/main.ts', service, { logFile: WORKER_LOG });
  await waitForWorker(connection, service.taskQueue, worker.child.pid!);
  gateway = await startGateway(service, { logFile: path.join(env.tempDir, 'outage-gateway.log') });
  api = apiClient(gateway.baseUrl, await operatorKey(db.db, tenant));
});

afterAll(async () => {
  await gateway?.stop();
  await worker?.stop();
  await connection?.close();
  await db?.close();
  execFileSync(PG, ['stop', pgDir]);
});

test('PostgreSQL down for 30 s during phases: every flow completes, no phase fails or runs twice', async () => {
  const flowIds: string[] = [];
  for (let i = 0; i < FLOWS; i++) {
    const csv = generateInventory({ seed: 300 + i, servers: 3_000, applications: 200 }).cmdbCsv;
    const upload = await api.request('POST', `/imports?filename=outage-${i}.csv`, csv);
    expect(upload.status).toBe(201);
    const start = await api.request('POST', '/flows', { flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: true } });
    expect(start.status).toBe(201);
    flowIds.push(start.body.flowId);
  }
  const state = (id: string) => client.workflow.getHandle(id).query(stateQuery);

  // Stop the database once phases are under way (the first flow past its import), not before anything started.
  const deadline = Date.now() + 60_000;
  while (!(await state(flowIds[0])).phases.some((p) => p.status === 'completed')) {
    if (Date.now() > deadline) throw new Error('no phase completed within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const atOutage = await Promise.all(flowIds.map(state));
  execFileSync(PG, ['halt', pgDir]);
  const down = Date.now();
  // While it is down, the flows keep running (waiting), never failing over to needs_attention.
  const during: FlowState[] = [];
  while (Date.now() - down < OUTAGE_MS) {
    during.push(...(await Promise.all(flowIds.map(state))));
    await new Promise((r) => setTimeout(r, 2_000));
  }
  execFileSync(PG, ['resume', pgDir, String(pgPort)]);
  expect(during.filter((s) => s.status !== 'running').map((s) => `${s.flowId}: ${s.status}`)).toEqual([]);

  const finals = await Promise.all(
    flowIds.map(async (id) => {
      await client.workflow.getHandle(id).result();
      return state(id);
    }),
  );
  expect(finals.map((s) => s.status)).toEqual(flowIds.map(() => 'completed'));
  for (const s of finals) expect(s.phases.map((p) => `${p.name}:${p.status}:${p.runs}`)).toEqual(s.phases.map((p) => `${p.name}:completed:1`));
  // The outage really hit running work: some flow had a phase running when the database went away.
  expect(atOutage.some((s) => s.phases.some((p) => p.status === 'running'))).toBe(true);

  for (const flowId of flowIds) {
    const artifacts = await db.db
      .select({ phase: phaseArtifacts.phase, n: count() })
      .from(phaseArtifacts)
      .where(and(eq(phaseArtifacts.tenantId, tenant), eq(phaseArtifacts.flowId, flowId)))
      .groupBy(phaseArtifacts.phase);
    expect(artifacts.every((a) => a.n === 1) && artifacts.length === 6).toBe(true);
    const [a] = await db.db.select({ rows: count(), keys: countDistinct(assets.key) }).from(assets).where(and(eq(assets.tenantId, tenant), eq(assets.flowId, flowId)));
    expect(a.rows).toBeGreaterThan(2_500);
    expect(a.keys).toBe(a.rows);
  }
  // The worker noticed: it logged that it was waiting for the database.
  expect(fs.readFileSync(WORKER_LOG, 'utf8')).toMatch(/database unavailable: waiting for it/);
}, 300_000);
