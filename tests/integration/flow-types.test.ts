/**
 * Every flow type end to end through the gateway, on one Discovery of the committed CMDB fixture: Assessment
 * (determinism, reviewer overrides fed back), Planning (dependency order, edited plans re-validated),
 * Execution (manual runbook with a compensated failure), Modernize, FinOps (on a Temporal Schedule),
 * Observability, Decommission (live dependents refused, four-eyes shutdown), workflow-level chaining, and a
 * programme of child workflows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { assetDecommissions, phaseArtifacts } from '../../db/schema';
import type { FlowStartInput, FlowState } from '../../workflows/messages';
import { FLOW_CATALOG } from '../../workflows/catalog';
import { ENGINE_REVISION, ENGINE_REVISION_MEMO_KEY } from '../../workflows/engine-revision';
import { flowStartOptions, flowWorkflowId } from '../../workflows/start-options';
import { captureHistory, startPlatform, type Platform } from './harness';

let platform: Platform;
const tenant = `ft-${Date.now().toString(36)}`;
let discoveryId: string;

const phase = (state: FlowState, name: string) => state.phases.find((p) => p.name === name)!;

async function start(flowType: string, input: Record<string, unknown>, options: Record<string, unknown> = {}, actor = 'alice'): Promise<string> {
  const res = await platform.api('POST', '/flows', { tenant, actor, body: { flowType, input, options } });
  if (res.status !== 201) throw new Error(`start ${flowType}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.flowId;
}

const artifact = async (flowId: string, name: string) => {
  const res = await platform.api('GET', `/flows/${flowId}/phases/${name}/artifact`, { tenant });
  expect(res.status).toBe(200);
  return res.body.data;
};

/** A recommendation carries a rationale, a confidence in [0,1] and evidence ids that resolve through the API. */
async function expectExplained(flowId: string, items: { rationale: string; confidence: number; evidence: string[] }[], sample = 3): Promise<void> {
  expect(items.length).toBeGreaterThan(0);
  for (const item of items.slice(0, sample)) {
    expect(item.rationale.length).toBeGreaterThan(20);
    expect(item.confidence).toBeGreaterThanOrEqual(0);
    expect(item.confidence).toBeLessThanOrEqual(1);
    expect(item.evidence.length).toBeGreaterThan(0);
    for (const ref of item.evidence) {
      const resolved = await platform.api('GET', `/flows/${flowId}/evidence/${encodeURIComponent(ref)}`, { tenant });
      expect({ ref, status: resolved.status }).toEqual({ ref, status: 200 });
    }
  }
}

const completed = (flowId: string, timeoutMs = 90_000) => platform.waitForFlow(flowId, (s) => s.status === 'completed', { timeoutMs });
const control = (flowId: string, action: string, body: Record<string, unknown> = {}, actor = 'alice') =>
  platform.api('POST', `/flows/${flowId}/${action}`, { tenant, actor, body });

beforeAll(async () => {
  platform = await startPlatform();
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant });
  discoveryId = await start('discovery', { importId: upload.body.id }, { autoApprove: true });
  await completed(discoveryId);
});
afterAll(async () => {
  await platform?.stop();
});

describe('assessment', () => {
  let assessmentId: string;

  test('same inventory, same recommendations; every one explained with evidence that resolves', async () => {
    const [a, b] = await Promise.all([
      start('assessment', { discoveryFlowId: discoveryId, asOf: '2026-11-01' }, { autoApprove: true }),
      start('assessment', { discoveryFlowId: discoveryId, asOf: '2026-11-01' }, { autoApprove: true }),
    ]);
    await Promise.all([completed(a), completed(b)]);
    const first = await artifact(a, 'strategy_recommendation');
    const second = await artifact(b, 'strategy_recommendation');
    expect(first.recommendations).toEqual(second.recommendations);
    expect(first.recommendations.length).toBeGreaterThanOrEqual(40);
    expect(new Set(first.recommendations.map((r: { strategy: string }) => r.strategy)).size).toBeGreaterThanOrEqual(2);

    for (const r of first.recommendations.slice(0, 5)) {
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(r.evidence.length).toBeGreaterThan(0);
      for (const ref of r.evidence) {
        const resolved = await platform.api('GET', `/flows/${a}/evidence/${encodeURIComponent(ref)}`, { tenant });
        expect({ ref, status: resolved.status }).toEqual({ ref, status: 200 });
      }
    }
    const readiness = await artifact(a, 'readiness_assessment');
    const notReady = readiness.items.find((i: { status: string }) => i.status === 'not_ready');
    expect(notReady.reasons.length).toBeGreaterThan(0);
    await expectExplained(a, [notReady, ...readiness.items]);
    const compliance = await artifact(a, 'compliance_check');
    expect(compliance.items.some((f: { category: string }) => f.category === 'end_of_life_os')).toBe(true);
    expect((await platform.api('GET', `/flows/${a}/evidence/${encodeURIComponent('asset:nope')}`, { tenant })).status).toBe(404);
  });

  test('reviewer overrides are applied, remembered, and given to later runs as examples', async () => {
    assessmentId = await start('assessment', { discoveryFlowId: discoveryId, asOf: '2026-11-01' });
    await platform.waitForFlow(assessmentId, (s) => s.status === 'awaiting_approval');
    const before = await artifact(assessmentId, 'strategy_recommendation');
    const target = before.recommendations.find((r: { strategy: string }) => r.strategy !== 'retain');

    const bad = await control(assessmentId, 'reject', { feedback: 'no', changes: { [target.applicationKey]: 'teleport' } });
    expect(bad.status).toBe(400);
    const rejected = await control(assessmentId, 'reject', { feedback: 'vendor contract runs to 2028', changes: { [target.applicationKey]: 'retain' } }, 'bob');
    expect(rejected.status).toBe(202);
    await platform.waitForFlow(assessmentId, (s) => s.status === 'awaiting_approval' && phase(s, 'strategy_recommendation').runs === 2);
    const after = await artifact(assessmentId, 'strategy_recommendation');
    const overridden = after.recommendations.find((r: { applicationKey: string }) => r.applicationKey === target.applicationKey);
    expect(overridden).toMatchObject({ strategy: 'retain', decidedBy: 'reviewer', reviewerReason: 'vendor contract runs to 2028' });
    expect(overridden.rationale).toContain('bob');
    expect((await control(assessmentId, 'approve')).status).toBe(202);
    await completed(assessmentId);
    captureHistory(assessmentId, 'assessment-overridden');

    const later = await start('assessment', { discoveryFlowId: discoveryId, asOf: '2026-11-01' }, { autoApprove: true });
    await completed(later);
    const learned = (await artifact(later, 'strategy_recommendation')).recommendations.find(
      (r: { applicationKey: string }) => r.applicationKey === target.applicationKey,
    );
    expect(learned.strategy).toBe('retain');
    expect(learned.overridesConsidered.map((o: { applicationKey: string }) => o.applicationKey)).toContain(target.applicationKey);
  });

  test('planning (via the successors API): dependency order holds; an edit that breaks it cannot be approved', async () => {
    const notDone = await platform.api('POST', '/flows', { tenant, body: { flowType: 'planning', input: { assessmentFlowId: discoveryId } } });
    expect(notDone.status).toBe(400);
    expect(notDone.body.issues[0]).toMatchObject({ field: 'body.input.assessmentFlowId', rule: 'flow_type' });

    const res = await platform.api('POST', `/flows/${assessmentId}/successors`, {
      tenant,
      actor: 'alice',
      body: { flowType: 'planning', input: { startDate: '2027-01-04', maxAppsPerWave: 6 } },
    });
    expect(res.status).toBe(201);
    const planningId = res.body.flowId;
    await platform.waitForFlow(planningId, (s) => s.status === 'awaiting_approval');
    const plan = await artifact(planningId, 'wave_planning');
    const waveOf = new Map<string, number>(plan.plan.placements.map((p: { applicationKey: string; wave: number }) => [p.applicationKey, p.wave]));
    expect(plan.plan.waves.length).toBeGreaterThan(1);
    expect(plan.appDependencies.length).toBeGreaterThan(0);
    for (const edge of plan.appDependencies as { fromApp: string; toApp: string }[]) {
      if (waveOf.has(edge.fromApp) && waveOf.has(edge.toApp)) expect(waveOf.get(edge.toApp)!).toBeLessThanOrEqual(waveOf.get(edge.fromApp)!);
    }
    expect(plan.violations).toEqual([]);
    await expectExplained(planningId, plan.plan.placements);
    expect(plan.staying.map((s: { applicationKey: string }) => s.applicationKey)).toContain(
      (await artifact(assessmentId, 'strategy_recommendation')).recommendations.find((r: { decidedBy: string }) => r.decidedBy === 'reviewer').applicationKey,
    );

    // Move a dependant to before what it depends on: the edited plan is re-validated and cannot be approved.
    const edge = (plan.appDependencies as { fromApp: string; toApp: string }[]).find((e) => waveOf.get(e.toApp)! > 1 && waveOf.has(e.fromApp))!;
    await control(planningId, 'reject', { feedback: 'pilot this first', changes: { [edge.fromApp]: 1 } }, 'bob');
    const blocked = await platform.waitForFlow(planningId, (s) => s.status === 'awaiting_approval' && phase(s, 'wave_planning').runs === 2);
    expect(phase(blocked, 'wave_planning').approvalBlockers.join(' ')).toContain(edge.fromApp);
    const refused = await control(planningId, 'approve');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(edge.fromApp);

    await control(planningId, 'reject', { feedback: 'put it back', changes: { [edge.fromApp]: waveOf.get(edge.fromApp)! } }, 'bob');
    await platform.waitForFlow(planningId, (s) => s.status === 'awaiting_approval' && phase(s, 'wave_planning').runs === 3);
    expect((await control(planningId, 'approve')).status).toBe(202);
    const done = await completed(planningId);
    expect(done.outputs.waveCount).toBe(plan.plan.waves.length);
    captureHistory(planningId, 'planning-edited');
    const timeline = await artifact(planningId, 'timeline_generation');
    expect(timeline.criticalPath.length).toBeGreaterThan(0);
    const costs = await artifact(planningId, 'cost_estimation');
    expect(costs.totals.oneTimeCost).toBeGreaterThan(0);
    expect((await artifact(planningId, 'resource_allocation')).assignments.length).toBeGreaterThan(0);

    // Execution of wave 1: checklist inputs for every app and asset of the wave, then the manual runbook.
    const wave1: string[] = plan.plan.waves[0].applicationKeys;
    const assetKeys: string[] = [];
    for (const app of wave1) {
      const resolved = await platform.api('GET', `/flows/${planningId}/evidence/${encodeURIComponent(`app:${app}`)}`, { tenant });
      assetKeys.push(...resolved.body.value.memberAssetKeys);
    }
    const today = new Date().toISOString().slice(0, 10);
    const badWave = await platform.api('POST', '/flows', { tenant, body: { flowType: 'execution', input: { planningFlowId: planningId, wave: 99 } } });
    expect(badWave.status).toBe(400);
    const executionId = await start('execution', {
      planningFlowId: planningId,
      wave: 1,
      asOf: today,
      changeTickets: Object.fromEntries(wave1.map((a) => [a, `CHG-${a}`])),
      lastBackups: Object.fromEntries(assetKeys.map((k) => [k, today])),
    });
    await platform.waitForFlow(executionId, (s) => s.status === 'awaiting_approval');
    const checklist = await artifact(executionId, 'pre_migration_validation');
    expect(checklist.go.length).toBeGreaterThan(0);
    expect((await control(executionId, 'approve', { phase: 'pre_migration_validation' })).status).toBe(202);

    // Confirm every step; fail the first confirmation of the second application.
    const failApp = checklist.go.length > 1 ? checklist.go[1] : null;
    let failed = false;
    for (;;) {
      const state = await platform.waitForFlow(executionId, (s) => s.status === 'awaiting_input' || s.status === 'awaiting_approval');
      if (state.status === 'awaiting_approval') break;
      const expects = state.pendingRequest!.expects!;
      const wrong = await control(executionId, 'input', { data: { applicationKey: expects.applicationKey, stepId: 'nope', outcome: 'done' } });
      expect(wrong.status).toBe(409);
      const outcome: 'failed' | 'done' = expects.applicationKey === failApp && !failed ? 'failed' : 'done';
      failed ||= outcome === 'failed';
      const res = await control(executionId, 'input', { data: { ...expects, outcome, note: outcome === 'failed' ? 'replication lag' : 'ok' } }, 'ops');
      expect(res.status).toBe(202);
    }
    const atSignOff = await platform.api<FlowState>('GET', `/flows/${executionId}`, { tenant });
    const apps = atSignOff.body.runbook!.applications;
    expect(apps.find((a) => a.applicationKey === checklist.go[0])!.status).toBe('migrated');
    if (failApp) {
      const rolledBack = apps.find((a) => a.applicationKey === failApp)!;
      expect(rolledBack.status).toBe('rolled_back');
      expect(rolledBack.steps.some((s) => s.status === 'failed' && s.note === 'replication lag')).toBe(true);
      const rollbackRows = await platform.db.db
        .select()
        .from(phaseArtifacts)
        .where(and(eq(phaseArtifacts.tenantId, tenant), eq(phaseArtifacts.flowId, executionId), eq(phaseArtifacts.phase, `migration_execution/rollback/${failApp}`)));
      expect(rollbackRows).toHaveLength(1);
    }
    expect((await control(executionId, 'approve')).status).toBe(202);
    const executed = await completed(executionId);
    expect(executed.outputs.rolledBack).toBe(failApp ? 1 : 0);
    const validation = await artifact(executionId, 'post_migration_validation');
    expect(validation.validations.length).toBe(executed.outputs.migrated);
    captureHistory(executionId, 'execution-runbook');
  });

  test('modernize works on the refactor/replatform applications of an assessment', async () => {
    const id = await start('modernize', { assessmentFlowId: assessmentId });
    await platform.waitForFlow(id, (s) => s.status === 'awaiting_approval');
    expect((await control(id, 'approve', { phase: 'architecture_redesign' })).status).toBe(202);
    await completed(id);
    const opportunities = await artifact(id, 'modernization_assessment');
    expect(opportunities.applications.length).toBeGreaterThan(0);
    expect(opportunities.opportunities.length).toBeGreaterThan(0);
    const backlog = await artifact(id, 'implementation_planning');
    expect(backlog.totalPoints).toBeGreaterThan(0);
    captureHistory(id, 'modernize-reviewed');
  });
});

test('finops runs from a Temporal Schedule managed through the API', async () => {
  const created = await platform.api('POST', '/schedules', {
    tenant,
    actor: 'alice',
    body: { flowType: 'finops', input: { discoveryFlowId: discoveryId, months: 6 }, options: { autoApprove: true }, everySeconds: 30 * 86_400 },
  });
  expect(created.status).toBe(201);
  const scheduleId = created.body.scheduleId;
  expect(created.body.nextRuns.length).toBeGreaterThan(0);
  expect((await platform.api('GET', '/schedules', { tenant })).body.schedules.map((s: { scheduleId: string }) => s.scheduleId)).toContain(scheduleId);
  expect((await platform.api('GET', `/schedules/${scheduleId}`, { tenant: 'someone-else' })).status).toBe(404);

  expect((await platform.api('POST', `/schedules/${scheduleId}/trigger`, { tenant, body: {} })).status).toBe(202);
  let flowId: string | null = null;
  for (const deadline = Date.now() + 30_000; !flowId && Date.now() < deadline; ) {
    const described = await platform.api('GET', `/schedules/${scheduleId}`, { tenant });
    flowId = described.body.recentRuns[0]?.flowId ?? null;
    if (!flowId) await new Promise((r) => setTimeout(r, 250));
  }
  expect(flowId).not.toBeNull();
  const done = await completed(flowId!);
  expect(done.flowType).toBe('finops');
  const budget = await artifact(flowId!, 'budget_planning');
  expect(budget.months).toHaveLength(6);
  const optimisations = await artifact(flowId!, 'optimization_identification');
  expect(optimisations.optimisations.length).toBeGreaterThan(0);
  await expectExplained(flowId!, optimisations.optimisations);
  captureHistory(flowId!, 'finops-scheduled');

  expect((await platform.api('POST', `/schedules/${scheduleId}/pause`, { tenant, body: {} })).body.paused).toBe(true);
  expect((await platform.api('DELETE', `/schedules/${scheduleId}`, { tenant })).status).toBe(204);
  expect((await platform.api('GET', `/schedules/${scheduleId}`, { tenant })).status).toBe(404);
});

test('observability produces SLOs, log plans and Prometheus rule groups', async () => {
  const id = await start('observability', { discoveryFlowId: discoveryId }, { autoApprove: true });
  await completed(id);
  expect((await artifact(id, 'monitoring_setup')).slos.length).toBeGreaterThan(0);
  const alerts = await artifact(id, 'alerting_setup');
  expect(alerts.yaml).toMatch(/^groups:/m);
  expect(alerts.groups.length).toBeGreaterThan(0);
  captureHistory(id, 'observability');
});

describe('decommission', () => {
  test('a target something live depends on is refused; shutdown needs a second person', async () => {
    const orphan = 'bildevdb01';
    const hub = 'payprddb01';
    const id = await start('decommission', { discoveryFlowId: discoveryId, targets: [hub, orphan] }, {}, 'alice');
    await platform.waitForFlow(id, (s) => s.status === 'awaiting_approval');
    const report = await artifact(id, 'decommission_planning');
    const byKey = Object.fromEntries(report.targets.map((t: { assetKey: string }) => [t.assetKey, t]));
    expect(byKey[hub].safe).toBe(false);
    expect(byKey[hub].blockingEdges.length).toBeGreaterThan(0);
    expect(byKey[orphan].safe).toBe(true);
    await expectExplained(id, report.targets);
    const edge = await platform.api('GET', `/flows/${id}/evidence/${encodeURIComponent(byKey[hub].blockingEdges[0])}`, { tenant });
    expect(edge.status).toBe(200);

    expect((await control(id, 'approve', { phase: 'decommission_planning' }, 'alice')).status).toBe(202);
    const finalGate = await platform.waitForFlow(id, (s) => s.pendingRequest?.phase === 'system_shutdown');
    expect(phase(finalGate, 'system_shutdown').status).toBe('awaiting_approval');
    expect(phase(finalGate, 'system_shutdown').runs).toBe(0); // nothing has been shut down yet
    const sameActor = await control(id, 'approve', {}, 'alice');
    expect(sameActor.status).toBe(409);
    expect(sameActor.body.detail).toMatch(/someone other than alice/);
    expect((await control(id, 'approve', {}, 'bob')).status).toBe(202);
    const done = await completed(id);
    expect(phase(done, 'system_shutdown').approvedBy).toBe('bob');

    const rows = await platform.db.db.select().from(assetDecommissions).where(eq(assetDecommissions.tenantId, tenant));
    expect(rows.map((r) => r.assetKey)).toEqual([orphan]);
    expect(rows[0].approvedBy).toBe('bob');
    expect((await artifact(id, 'data_migration')).archive[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    captureHistory(id, 'decommission-four-eyes');
  });

  test('when every target is still depended on, the plan cannot be approved even with autoApprove', async () => {
    const id = await start('decommission', { discoveryFlowId: discoveryId, targets: ['payprddb01'] }, { autoApprove: true });
    const blocked = await platform.waitForFlow(id, (s) => s.status === 'awaiting_approval');
    expect(phase(blocked, 'decommission_planning').approvalBlockers.length).toBe(1);
    expect((await control(id, 'approve', {}, 'bob')).status).toBe(409);
    await control(id, 'cancel');
  });
});

test('workflow-level chaining: a completed discovery starts its assessment as a child', async () => {
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'inventory.json'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=inventory.json', { raw: csv, contentType: 'application/json', tenant });
  const badChain = await platform.api('POST', '/flows', {
    tenant,
    body: { flowType: 'discovery', input: { importId: upload.body.id }, options: { chain: { flowType: 'execution', input: {} } } },
  });
  expect(badChain.status).toBe(400);
  expect(badChain.body.issues[0]).toMatchObject({ field: 'body.options.chain.flowType', rule: 'successor' });

  const id = await start('discovery', { importId: upload.body.id }, { autoApprove: true, chain: { flowType: 'assessment', input: { asOf: '2026-11-01' } } });
  const done = await completed(id);
  expect(done.successorFlowId).toMatch(new RegExp(`^${tenant}\\.assessment\\.`));
  const successor = await completed(done.successorFlowId!);
  expect(successor.input).toMatchObject({ discoveryFlowId: id, inventoryFlowId: id, asOf: '2026-11-01' });
  const description = await platform.client.workflow.getHandle(done.successorFlowId!).describe();
  expect(description.parentExecution?.workflowId).toBe(id);
  expect(description.memo?.[ENGINE_REVISION_MEMO_KEY]).toBe(ENGINE_REVISION);
  captureHistory(id, 'discovery-chained');

  // A successor runs at its predecessor's engine revision, not at the revision of the worker that starts it: a flow
  // started at revision 1 (as a gateway from before revision 2 would) chains a revision-1 assessment.
  const old: FlowStartInput = { tenantId: tenant, flowType: 'discovery', requestedBy: 'alice', input: done.input, options: done.options };
  const oldId = flowWorkflowId(tenant, 'discovery', randomUUID());
  await platform.client.workflow.start(FLOW_CATALOG.discovery.workflowType, { taskQueue: platform.config.TEMPORAL_TASK_QUEUE, workflowId: oldId, args: [old], ...flowStartOptions(old, 1) });
  const oldDone = await completed(oldId);
  const oldSuccessor = await platform.client.workflow.getHandle(oldDone.successorFlowId!).describe();
  expect(oldSuccessor.memo?.[ENGINE_REVISION_MEMO_KEY]).toBe(1);
  expect((await completed(oldDone.successorFlowId!)).status).toBe('completed');
});

test('a programme runs discovery → assessment → planning → execution per wave as child workflows', async () => {
  // A small, clean estate: development systems with owners and current OSes, so every checklist passes unattended.
  const lines = ['Name,IP Address,Operating System,CPU Cores,RAM (GB),Disk (GB),Environment,Criticality,Owner,Application,Depends On'];
  const apps = ['Wiki', 'Ticketing', 'Reports'];
  apps.forEach((app, i) => {
    lines.push(`${app.toLowerCase()}devweb01,10.1.${i}.10,Ubuntu 22.04 LTS,2,4,40,DEV,Low,Dana Ops,${app},${app.toLowerCase()}devdb01:5432/tcp`);
    lines.push(`${app.toLowerCase()}devdb01,10.1.${i}.11,Ubuntu 22.04 LTS,2,8,80,DEV,Low,Dana Ops,${app},`);
  });
  const upload = await platform.api('POST', '/imports?filename=small.csv', { raw: lines.join('\n'), tenant });
  const res = await platform.api('POST', '/programmes', {
    tenant,
    actor: 'alice',
    body: { importId: upload.body.id, options: { autoApprove: true }, planning: { maxAppsPerWave: 2 } },
  });
  expect(res.status).toBe(201);
  const programmeId = res.body.programmeId;
  let programme: any;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    programme = (await platform.api('GET', `/programmes/${programmeId}`, { tenant })).body;
    if (programme.status !== 'running') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(programme.status).toBe('completed');
  const kinds = programme.children.map((c: { flowType: string }) => c.flowType);
  expect(kinds.slice(0, 3)).toEqual(['discovery', 'assessment', 'planning']);
  expect(kinds.filter((k: string) => k === 'execution').length).toBeGreaterThanOrEqual(1);
  // Stamped with the current engine revision at start, the programme starts every child at it.
  expect((await platform.client.workflow.getHandle(programmeId).describe()).memo?.[ENGINE_REVISION_MEMO_KEY]).toBe(ENGINE_REVISION);
  for (const child of programme.children) {
    const description = await platform.client.workflow.getHandle(child.flowId).describe();
    expect(description.parentExecution?.workflowId).toBe(programmeId);
    expect(description.memo?.[ENGINE_REVISION_MEMO_KEY]).toBe(ENGINE_REVISION);
  }
  expect((await platform.api('GET', `/programmes/${programmeId}`, { tenant: 'someone-else' })).status).toBe(404);
  captureHistory(programmeId, 'programme');
});
