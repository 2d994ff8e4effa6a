/**
 * The production build: `npm run build` compiles the worker and the gateway to JavaScript under dist/, and they run
 * with plain Node, no tsx, as the Docker image runs them (`npm run start:worker`, `npm run start:gateway`): a
 * Discovery flow started through the compiled gateway completes on the compiled worker, which bundles the
 * compiled workflow code itself.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { openDatabase, type DatabaseHandle } from '../../db';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import type { FlowState } from '../../workflows/messages';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';
import { apiClient, operatorKey } from '../support/api-client';
import { spawnService, startGateway, waitForWorker, type GatewayProcess, type ServiceEnv, type ServiceProcess } from '../support/processes';

const env = readTestEnvironment();
const tenant = `built-${Date.now().toString(36)}`;
let db: DatabaseHandle;
let connection: Connection;
let worker: ServiceProcess | null = null;
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  db = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: 'memory://', poolSize: 2 });
  connection = await Connection.connect({ address: env.temporalAddress });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await worker?.stop();
  await connection?.close();
  await db?.close();
});

test('the compiled worker and gateway run a Discovery flow to completion with plain Node', async () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts['start:worker']).toBe('node dist/workers/main.js');
  expect(scripts['start:gateway']).toBe('node dist/api/main.js');
  expect(fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'db', 'migrations', 'meta', '_journal.json'))).toBe(true);

  // No prebuilt bundle: the compiled worker bundles dist/workflows at start, as in the image.
  const service: ServiceEnv = { temporalAddress: env.temporalAddress, databaseUrl: env.databaseUrl, taskQueue: `built-${randomUUID().slice(0, 8)}`, payloadKeys: TEST_PAYLOAD_KEYS };
  worker = spawnService('dist/workers/main.js', service, { logFile: path.join(env.tempDir, 'built-worker.log') });
  expect(worker.child.spawnargs).not.toContain('tsx');
  await waitForWorker(connection, service.taskQueue, worker.child.pid!, { timeoutMs: 90_000 });
  gateway = await startGateway(service, { entry: 'dist/api/main.js', logFile: path.join(env.tempDir, 'built-gateway.log') });
  expect(gateway.child.spawnargs).not.toContain('tsx');

  const api = apiClient(gateway.baseUrl, await operatorKey(db.db, tenant));
  const upload = await api.request('POST', '/imports?filename=cmdb.csv', fs.readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'cmdb.csv'), 'utf8'));
  expect(upload.status).toBe(201);
  const started = await api.request('POST', '/flows', { flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: true } });
  expect(started.status).toBe(201);
  let state: FlowState | null = null;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    state = (await api.request<FlowState>('GET', `/flows/${started.body.flowId}`)).body;
    if (state.status === 'completed' || state.status === 'awaiting_input') break;
  }
  if (state?.status === 'awaiting_input') {
    // cmdb.csv may carry critical data-quality issues: accept them, as a user would.
    expect((await api.request('POST', `/flows/${started.body.flowId}/input`, { data: { accept: true } })).status).toBe(202);
    for (const deadline = Date.now() + 90_000; state.status !== 'completed' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      state = (await api.request<FlowState>('GET', `/flows/${started.body.flowId}`)).body;
    }
  }
  expect(state?.status).toBe('completed');
  expect(state!.phases.map((p) => p.status)).toEqual(Array(6).fill('completed'));
  expect(state!.artifacts.dependency_analysis).toBeDefined();
}, 240_000);
