/**
 * A worker process is SIGKILLed while a Discovery phase is running; a fresh worker process finishes the flow.
 * Activities commit their rows and artifact in one transaction keyed by (flow, phase, run), so nothing is
 * duplicated and nothing is lost.
 */
import { and, count, countDistinct, eq } from 'drizzle-orm';
import { assets, dependencies, phaseArtifacts } from '../../db/schema';
import { generateInventory } from '../fixtures/generate';
import { sigkill } from '../support/processes';
import { startPlatform, type Platform } from './harness';

let platform: Platform;
const tenant = `crash-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.stop();
});

test('worker SIGKILLed mid-phase: a new worker completes the flow with no duplicate rows', async () => {
  const inventory = generateInventory({ seed: 7, servers: 10_000, applications: 400 });
  const upload = await platform.api('POST', '/imports?filename=big.csv', { raw: inventory.cmdbCsv, tenant });
  expect(upload.status).toBe(201);
  const start = await platform.api('POST', '/flows', {
    tenant,
    body: { flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: true } },
  });
  expect(start.status).toBe(201);
  const flowId: string = start.body.flowId;

  const first = platform.spawnWorkerProcess();
  const victim = await platform.waitForFlow(
    flowId,
    (s) => s.phases.some((p) => p.status === 'running' && ['data_cleansing', 'asset_inventory'].includes(p.name)),
    { tenant, timeoutMs: 90_000 },
  );
  await sigkill(first);
  const phaseAtKill = victim.phases.find((p) => p.status === 'running')!.name;

  platform.spawnWorkerProcess();
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed', { tenant, timeoutMs: 150_000 });
  expect(done.phases.every((p) => p.status === 'completed')).toBe(true);
  // The phase in flight at the kill ran once as far as the flow is concerned (Temporal retried the activity).
  expect(done.phases.find((p) => p.name === phaseAtKill)!.runs).toBe(1);
  // …and the kill really interrupted it: Temporal had to start a second attempt after the heartbeat timeout.
  const history = await platform.client.workflow.getHandle(flowId).fetchHistory();
  const retriedAttempts = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
  expect(retriedAttempts.length).toBeGreaterThanOrEqual(1);

  const scope = and(eq(assets.tenantId, tenant), eq(assets.flowId, flowId));
  const [assetCounts] = await platform.db.db.select({ rows: count(), keys: countDistinct(assets.key) }).from(assets).where(scope);
  const artifact = await platform.api('GET', `/flows/${flowId}/phases/asset_inventory/artifact`, { tenant });
  expect(assetCounts.rows).toBe(artifact.body.data.assetCount);
  expect(assetCounts.keys).toBe(assetCounts.rows);
  expect(assetCounts.rows).toBeGreaterThan(9000);
  const [depCount] = await platform.db.db
    .select({ n: count() })
    .from(dependencies)
    .where(and(eq(dependencies.tenantId, tenant), eq(dependencies.flowId, flowId)));
  expect(depCount.n).toBe(artifact.body.data.dependencyCount);
  const artifacts = await platform.db.db
    .select({ phase: phaseArtifacts.phase, n: count() })
    .from(phaseArtifacts)
    .where(and(eq(phaseArtifacts.tenantId, tenant), eq(phaseArtifacts.flowId, flowId)))
    .groupBy(phaseArtifacts.phase);
  expect(artifacts).toHaveLength(6);
  expect(artifacts.every((a) => a.n === 1)).toBe(true);
}, 300_000);
