/**
 * Discovery end to end through the real gateway, a real Temporal dev server and PostgreSQL: the happy path,
 * every control message, needs_attention, and bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { applications, assets, dependencies, imports } from '../../db/schema';
import type { temporal } from '@temporalio/proto';
import type { FlowState } from '../../workflows/messages';
import { captureHistory, startPlatform, type Platform } from './harness';
import { CurrentPhaseKey, FlowStatusKey } from '../../workflows/search-attributes';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

let platform: Platform;
const tenant = `t-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

async function upload(name: string, contentType = 'text/csv', asTenant = tenant): Promise<string> {
  const res = await platform.api('POST', `/imports?filename=${name}`, { raw: fixture(name), contentType, tenant: asTenant });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function startDiscovery(importId: string, options: Record<string, unknown> = {}, asTenant = tenant): Promise<string> {
  const res = await platform.api('POST', '/flows', {
    tenant: asTenant,
    actor: 'alice',
    body: { flowType: 'discovery', input: { importId }, options },
  });
  expect(res.status).toBe(201);
  return res.body.flowId;
}

/** Each search-attribute upsert in a history, in order: the workflow task that made it, the status and phase it wrote. */
function upsertsIn(events: temporal.api.history.v1.IHistoryEvent[]): { task: number; status: string; phase: string }[] {
  return events.flatMap((e) => {
    const attributes = e.upsertWorkflowSearchAttributesEventAttributes;
    if (!attributes) return [];
    const value = (key: string) => JSON.parse(Buffer.from(attributes.searchAttributes!.indexedFields![key]!.data!).toString());
    return [{ task: Number(attributes.workflowTaskCompletedEventId), status: value('FlowStatus'), phase: value('CurrentPhase') }];
  });
}

const phase = (state: FlowState, name: string) => state.phases.find((p) => p.name === name)!;

async function countRows(table: typeof assets | typeof applications | typeof dependencies, flowId: string): Promise<number> {
  const [row] = await platform.db.db.select({ n: count() }).from(table).where(and(eq(table.tenantId, tenant), eq(table.flowId, flowId)));
  return row.n;
}

/** Answers the data-quality input gate if the data has critical issues; approval gates are left to the caller. */
async function untilMappingGate(flowId: string): Promise<FlowState> {
  let state = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_input' || s.status === 'awaiting_approval');
  if (state.status === 'awaiting_input') {
    expect(state.pendingRequest?.phase).toBe('data_validation');
    const res = await platform.api('POST', `/flows/${flowId}/input`, { tenant, actor: 'alice', body: { data: { accept: true } } });
    expect(res.status).toBe(202);
    state = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');
  }
  expect(state.pendingRequest).toMatchObject({ kind: 'approval', phase: 'field_mapping' });
  return state;
}

test('happy path: CMDB CSV → approved mapping → canonical inventory and dependency analysis', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId);
  expect(flowId.startsWith(`${tenant}.discovery.`)).toBe(true);

  const gated = await untilMappingGate(flowId);
  expect(phase(gated, 'data_import').status).toBe('completed');
  expect(phase(gated, 'field_mapping').status).toBe('awaiting_approval');
  expect(phase(gated, 'data_cleansing').status).toBe('pending');

  const mapping = await platform.api('GET', `/flows/${flowId}/phases/field_mapping/artifact`, { tenant });
  expect(mapping.status).toBe(200);
  const targets = Object.fromEntries(mapping.body.data.mapping.entries.map((e: { sourceColumn: string; target: string }) => [e.sourceColumn, e.target]));
  expect(targets).toMatchObject({ Name: 'hostname', 'IP Address': 'ip', Environment: 'environment', Application: 'application' });

  const approved = await platform.api('POST', `/flows/${flowId}/approve`, { tenant, actor: 'bob', body: { comment: 'looks right' } });
  expect(approved.status).toBe(202);
  expect(phase(approved.body, 'field_mapping').status).toBe('completed');

  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(done.phases.every((p) => p.status === 'completed')).toBe(true);
  expect(done.completedAt).not.toBeNull();
  expect(Object.keys(done.artifacts)).toHaveLength(6);

  // Claim check: the rows are in PostgreSQL, the workflow only carries ids and summaries.
  const inventory = await platform.api('GET', `/flows/${flowId}/phases/asset_inventory/artifact`, { tenant });
  expect(await countRows(assets, flowId)).toBe(inventory.body.data.assetCount);
  expect(inventory.body.data.assetCount).toBeGreaterThanOrEqual(200);
  expect(await countRows(applications, flowId)).toBeGreaterThanOrEqual(40);
  expect(await countRows(dependencies, flowId)).toBeGreaterThan(0);

  const graph = await platform.api('GET', `/flows/${flowId}/phases/dependency_analysis/artifact`, { tenant });
  expect(graph.body.data.moveGroups.length).toBeGreaterThan(0);
  expect(graph.body.data.cycles.length).toBeGreaterThan(0);
  expect(graph.body.data.provider).toBe('offline-rules');

  // The offline rules provider sends no model request, so no phase left the flow queue: each ran once, there.
  const history = await platform.client.workflow.getHandle(flowId).fetchHistory();
  const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
  expect(scheduled.map((a) => a.activityType!.name).sort()).toEqual(
    ['discoveryDataImport', 'discoveryDataValidation', 'discoveryFieldMapping', 'discoveryDataCleansing', 'discoveryAssetInventory', 'discoveryDependencyAnalysis'].sort(),
  );
  expect(new Set(scheduled.map((a) => a.taskQueue!.name))).toEqual(new Set([platform.config.TEMPORAL_TASK_QUEUE]));

  // At most one visibility write per workflow task (engine revision 2). The approval took the flow from
  // awaiting_approval through running on field_mapping to data_cleansing in one task: one write, naming data_cleansing.
  const upserts = upsertsIn(history.events ?? []);
  expect(new Set(upserts.map((u) => u.task)).size).toBe(upserts.length);
  const gate = upserts.findIndex((u) => u.status === 'awaiting_approval' && u.phase === 'field_mapping');
  expect(gate).toBeGreaterThanOrEqual(0);
  expect(upserts[gate + 1]).toMatchObject({ status: 'running', phase: 'data_cleansing' });
  expect(upserts.at(-1)).toMatchObject({ status: 'completed', phase: '' });

  const listed = await platform.api('GET', '/flows?type=discovery&status=completed', { tenant });
  expect(listed.status).toBe(200);
  expect(listed.body.flows.map((f: { flowId: string }) => f.flowId)).toContain(flowId);
  const otherStatus = await platform.api('GET', '/flows?status=running', { tenant });
  expect(otherStatus.body.flows.map((f: { flowId: string }) => f.flowId)).not.toContain(flowId);

  captureHistory(flowId, 'discovery-gated');
});

test.each([
  ['inventory.json', 'application/json', 'json_inventory'],
  ['rvtools-vinfo.csv', 'text/csv', 'rvtools_vinfo'],
])('autoApprove runs %s through all six phases without stopping', async (file, contentType, format) => {
  const importId = await upload(file, contentType);
  const flowId = await startDiscovery(importId, { autoApprove: true });
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  const imported = await platform.api('GET', `/flows/${flowId}/phases/data_import/artifact`, { tenant });
  expect(imported.body.data.format).toBe(format);
  expect(done.phases.map((p) => p.status)).toEqual(Array(6).fill('completed'));
  expect(await countRows(assets, flowId)).toBeGreaterThanOrEqual(200);

  // Visibility writes: the start names the first phase, so the engine upserts only when phases 2–6 start and when
  // the flow completes — one write per change, none for what the start already said. The flow is started at the
  // current engine revision, so its agent phases pass no patch: no marker, and no TemporalChangeVersion upsert
  // (the SDK's visibility write per patch).
  const history = await platform.client.workflow.getHandle(flowId).fetchHistory();
  const upserts = (history.events ?? []).flatMap((e) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    return fields ? [fields] : [];
  });
  expect(upserts.map((fields) => Object.keys(fields).sort())).toEqual(Array(6).fill(['CurrentPhase', 'FlowStatus']));
  expect(upserts.map((fields) => JSON.parse(Buffer.from(fields.CurrentPhase!.data!).toString()))).toEqual(['data_validation', 'field_mapping', 'data_cleansing', 'asset_inventory', 'dependency_analysis', '']);
  expect((history.events ?? []).filter((e) => e.markerRecordedEventAttributes)).toEqual([]);
  const described = await platform.client.workflow.getHandle(flowId).describe();
  expect(described.typedSearchAttributes.get(CurrentPhaseKey)).toBe('');
  expect(described.typedSearchAttributes.get(FlowStatusKey)).toBe('completed');
});

/** Status and phase of each search-attribute upsert in the flow's history, in order. */
async function visibilityWrites(flowId: string): Promise<{ status: string; phase: string }[]> {
  const history = await platform.client.workflow.getHandle(flowId).fetchHistory();
  return upsertsIn(history.events ?? []).map(({ status, phase }) => ({ status, phase }));
}

test('visibilityUpdates status_changes: moving between phases writes nothing; waiting and ending write status and phase', async () => {
  const importId = await upload('inventory.json', 'application/json');
  // A start that names none gets the gateway's setting (MFO_VISIBILITY_UPDATES, every_phase here), in its options.
  const unnamed = await startDiscovery(importId, { autoApprove: true });
  expect((await platform.waitForFlow(unnamed, (s) => s.status === 'completed')).options.visibilityUpdates).toBe('every_phase');

  const auto = await startDiscovery(importId, { autoApprove: true, visibilityUpdates: 'status_changes' });
  const autoHandle = platform.client.workflow.getHandle(auto);
  expect((await autoHandle.describe()).typedSearchAttributes.get(CurrentPhaseKey)).toBeUndefined();
  const autoDone = await platform.waitForFlow(auto, (s) => s.status === 'completed');
  expect(autoDone.phases.map((p) => p.status)).toEqual(Array(6).fill('completed'));
  // Six phases, one status change: one write, where every_phase makes six (the autoApprove test above).
  expect(await visibilityWrites(auto)).toEqual([{ status: 'completed', phase: '' }]);
  expect((await autoHandle.describe()).typedSearchAttributes.get(FlowStatusKey)).toBe('completed');

  // A gated flow: the gate names its phase, for the Web UI's filters and the gateway's list; running names none.
  const gated = await startDiscovery(importId, { visibilityUpdates: 'status_changes' });
  await untilMappingGate(gated);
  const atGate = (await platform.client.workflow.getHandle(gated).describe()).typedSearchAttributes;
  expect([atGate.get(FlowStatusKey), atGate.get(CurrentPhaseKey)]).toEqual(['awaiting_approval', 'field_mapping']);
  const approved = await platform.api('POST', `/flows/${gated}/approve`, { tenant, actor: 'bob', body: {} });
  expect(approved.status).toBe(202);
  await platform.waitForFlow(gated, (s) => s.status === 'completed');
  const writes = await visibilityWrites(gated);
  expect(writes.slice(-3)).toEqual([
    { status: 'awaiting_approval', phase: 'field_mapping' },
    { status: 'running', phase: '' },
    { status: 'completed', phase: '' },
  ]);
  expect(writes.filter((w) => w.status === 'running').every((w) => w.phase === '')).toBe(true);
  expect(writes.every((w, i) => i === 0 || w.status !== writes[i - 1].status)).toBe(true);
  captureHistory(gated, 'discovery-status-changes');
});

test('a completed flow is read from its history: its state and a successor start need no worker', async () => {
  const flowId = await startDiscovery(await upload('inventory.json', 'application/json'), { autoApprove: true });
  await platform.waitForFlow(flowId, (s) => s.status === 'completed');

  await platform.stopWorker();
  try {
    const read = await platform.api('GET', `/flows/${flowId}`, { tenant });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ flowId, status: 'completed', flowType: 'discovery' });
    expect(read.body.phases.map((p: { status: string }) => p.status)).toEqual(Array(6).fill('completed'));

    const started = await platform.api('POST', '/flows', {
      tenant,
      actor: 'alice',
      body: { flowType: 'assessment', input: { discoveryFlowId: flowId } },
    });
    expect(started.status).toBe(201);
    // Another tenant still cannot see the completed flow.
    expect((await platform.api('GET', `/flows/${flowId}`, { tenant: `${tenant}-other` })).status).toBe(404);

    await platform.startWorker();
    const cancelled = await platform.api('POST', `/flows/${started.body.flowId}/cancel`, { tenant, actor: 'alice', body: {} });
    expect(cancelled.status).toBe(202);
  } finally {
    await platform.startWorker();
  }
});

test('pause while a phase runs takes effect at the next phase boundary; resume finishes the flow', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId, { autoApprove: true });
  const paused = await platform.api('POST', `/flows/${flowId}/pause`, { tenant, actor: 'alice', body: {} });
  expect(paused.status).toBe(202);
  expect(paused.body.status).toBe('paused');

  // Whatever phase was running when the pause landed finishes; no later phase starts while paused.
  const atPause: FlowState = paused.body;
  const doneAtPause = atPause.phases.filter((p) => p.status === 'completed').length;
  const runningAtPause = atPause.phases.filter((p) => p.status === 'running').length;
  const settled = await platform.waitForFlow(flowId, (s) => s.status === 'paused' && !s.phases.some((p) => p.status === 'running'));
  const completed = settled.phases.filter((p) => p.status === 'completed').length;
  expect(completed).toBe(doneAtPause + runningAtPause);
  expect(completed).toBeLessThan(6);
  await new Promise((r) => setTimeout(r, 1500));
  const still = await platform.api<FlowState>('GET', `/flows/${flowId}`, { tenant });
  expect(still.body.status).toBe('paused');
  expect(still.body.phases.filter((p) => p.status === 'completed').length).toBe(completed);
  expect(still.body.phases.every((p) => p.status !== 'failed')).toBe(true);

  const again = await platform.api('POST', `/flows/${flowId}/pause`, { tenant, actor: 'alice', body: {} });
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/cannot pause: the flow is paused/);

  const resumed = await platform.api('POST', `/flows/${flowId}/resume`, { tenant, actor: 'alice', body: {} });
  expect(resumed.status).toBe(202);
  await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  captureHistory(flowId, 'discovery-paused');
});

test('resume on a running flow is 409 with the reason', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId);
  const res = await platform.api('POST', `/flows/${flowId}/resume`, { tenant, actor: 'alice', body: {} });
  expect(res.status).toBe(409);
  expect(res.body.detail).toMatch(/cannot resume: the flow is \w+, not paused/);
  const approveTooEarly = await platform.api('POST', `/flows/${flowId}/retry`, { tenant, actor: 'alice', body: {} });
  expect(approveTooEarly.status).toBe(409);
  await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, actor: 'alice', body: {} });
});

test('cancel stops the flow; later control messages are refused', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId);
  await untilMappingGate(flowId);
  const cancelled = await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, actor: 'carol', body: { reason: 'wrong file' } });
  expect(cancelled.status).toBe(202);
  expect(cancelled.body.status).toBe('cancelled');
  expect(cancelled.body.cancelledBy).toBe('carol');
  expect(phase(cancelled.body, 'data_cleansing').status).toBe('pending');

  const state = await platform.waitForFlow(flowId, (s) => s.status === 'cancelled');
  expect(state.pendingRequest).toBeNull();
  const approve = await platform.api('POST', `/flows/${flowId}/approve`, { tenant, actor: 'carol', body: {} });
  expect(approve.status).toBe(409);
  const description = await platform.client.workflow.getHandle(flowId).describe();
  expect(description.typedSearchAttributes.get({ name: 'FlowStatus', type: 'KEYWORD' } as never)).toBe('cancelled');
  captureHistory(flowId, 'discovery-cancelled');
});

test('reject with feedback re-runs field_mapping and the feedback reaches the resolver', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId);
  await untilMappingGate(flowId);

  const rejected = await platform.api('POST', `/flows/${flowId}/reject`, {
    tenant,
    actor: 'bob',
    body: { feedback: 'Serial Number -> nothing; "Owner" is the location', changes: { 'Mem Util %': null } },
  });
  expect(rejected.status).toBe(202);

  const regated = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval' && phase(s, 'field_mapping').runs === 2);
  expect(phase(regated, 'field_mapping').feedback).toEqual([
    expect.objectContaining({ actor: 'bob', text: expect.stringContaining('Serial Number') }),
  ]);
  const artifact = await platform.api('GET', `/flows/${flowId}/phases/field_mapping/artifact`, { tenant });
  expect(artifact.body.run).toBe(2);
  expect(artifact.body.data.feedbackConsidered).toEqual(['Serial Number -> nothing; "Owner" is the location']);
  const entries: { sourceColumn: string; target: string | null; decidedBy: string }[] = artifact.body.data.mapping.entries;
  const byColumn = Object.fromEntries(entries.map((e) => [e.sourceColumn, e]));
  expect(byColumn['Serial Number'].target).toBeNull();
  expect(byColumn.Owner.target).toBe('location');
  expect(byColumn.Location.target).not.toBe('location'); // one column per target
  expect(byColumn['Mem Util %'].target).toBeNull();
  expect(byColumn['Mem Util %'].decidedBy).toBe('user');

  const badChanges = await platform.api('POST', `/flows/${flowId}/reject`, {
    tenant,
    actor: 'bob',
    body: { feedback: 'again', changes: { Name: 'not_a_field' } },
  });
  expect(badChanges.status).toBe(400);
  expect(badChanges.body.issues[0].field).toBe('body.changes.Name');

  await platform.api('POST', `/flows/${flowId}/approve`, { tenant, actor: 'bob', body: { phase: 'field_mapping' } });
  await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  captureHistory(flowId, 'discovery-rejected');

  // The audit trail, read back from Temporal history: who did what, with the feedback, in order.
  const audit = await platform.api('GET', `/flows/${flowId}/audit`, { tenant, role: 'viewer' });
  expect(audit.status).toBe(200);
  const trail: { action: string; actor: string | null; phase: string | null; detail: string | null; at: string }[] = audit.body.entries;
  const controls = trail.filter((e) => ['started', 'reject', 'approve'].includes(e.action)).map((e) => [e.action, e.actor]);
  expect(controls).toEqual([
    ['started', 'alice'],
    ['reject', 'bob'],
    ['approve', 'bob'],
  ]);
  expect(trail.find((e) => e.action === 'reject')!.detail).toContain('Serial Number -> nothing');
  expect(trail.filter((e) => e.action === 'phase_completed' && e.phase === 'field_mapping')).toHaveLength(2);
  expect(trail.at(-1)!.action).toBe('completed');
  expect([...trail].map((e) => e.at)).toEqual([...trail].map((e) => e.at).sort());
});

test('a phase failing past its retries → needs_attention → retry succeeds; skip is refused afterwards', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId, {
    autoApprove: true,
    phaseRetry: { maximumAttempts: 2, initialIntervalMs: 100 },
    faults: [{ phase: 'data_cleansing', failRuns: 1 }],
  });
  const attention = await platform.waitForFlow(flowId, (s) => s.status === 'needs_attention');
  expect(attention.currentPhase).toBe('data_cleansing');
  expect(phase(attention, 'data_cleansing').status).toBe('failed');
  expect(attention.lastError).toMatchObject({ phase: 'data_cleansing', type: 'InjectedFault' });
  expect(attention.lastError?.message).toMatch(/attempt 2/);
  expect(attention.pendingRequest?.kind).toBe('attention');
  expect(phase(attention, 'asset_inventory').status).toBe('pending');

  const retried = await platform.api('POST', `/flows/${flowId}/retry`, { tenant, actor: 'alice', body: {} });
  expect(retried.status).toBe(202);
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(phase(done, 'data_cleansing').runs).toBe(2);
  expect(phase(done, 'data_cleansing').status).toBe('completed');
  const skip = await platform.api('POST', `/flows/${flowId}/skip`, { tenant, actor: 'alice', body: {} });
  expect(skip.status).toBe(409);
  captureHistory(flowId, 'discovery-retried');
  const audit = await platform.api('GET', `/flows/${flowId}/audit`, { tenant });
  const failures = audit.body.entries.filter((e: { action: string }) => e.action === 'phase_failed');
  expect(failures[0]).toMatchObject({ phase: 'data_cleansing', detail: expect.stringContaining('injected fault in data_cleansing') });
  expect(audit.body.entries.find((e: { action: string }) => e.action === 'retry')).toMatchObject({ actor: 'alice' });
});

test('skip a failed phase: the flow goes on without it', async () => {
  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId, {
    autoApprove: true,
    phaseRetry: { maximumAttempts: 1, initialIntervalMs: 100 },
    faults: [{ phase: 'dependency_analysis', failRuns: 5 }],
  });
  await platform.waitForFlow(flowId, (s) => s.status === 'needs_attention');
  const skipped = await platform.api('POST', `/flows/${flowId}/skip`, { tenant, actor: 'alice', body: {} });
  expect(skipped.status).toBe(202);
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(phase(done, 'dependency_analysis').status).toBe('skipped');
  expect(done.artifacts.dependency_analysis).toBeUndefined();
});

test('critical data-quality issues stop at awaiting_input; excluding rows re-validates, accepting goes on', async () => {
  // Half the rows have no usable IP and a third share a hostname: critical by the profile's rules.
  const lines = ['Name,IP Address,Operating System,Environment,Application'];
  for (let i = 1; i <= 30; i++) {
    const host = i % 3 === 0 ? 'dupe-host' : `srv${i}`;
    const ip = i % 2 === 0 ? 'n/a' : `10.0.0.${i}`;
    lines.push(`${host},${ip},RHEL 7.9,PRD,Billing`);
  }
  const res = await platform.api('POST', '/imports?filename=dirty.csv', { raw: lines.join('\n'), tenant });
  expect(res.status).toBe(201);
  const flowId = await startDiscovery(res.body.id);
  const waiting = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_input');
  expect(waiting.pendingRequest).toMatchObject({ kind: 'input', phase: 'data_validation' });
  expect(waiting.pendingRequest?.prompt).toMatch(/critical/);
  const validation = await platform.api('GET', `/flows/${flowId}/phases/data_validation/artifact`, { tenant });
  expect(validation.body.data.criticalIssueCount).toBeGreaterThan(0);
  expect(validation.body.data.explanations.length).toBe(validation.body.data.criticalIssueCount);

  const approveWrongGate = await platform.api('POST', `/flows/${flowId}/approve`, { tenant, body: {} });
  expect(approveWrongGate.status).toBe(409);

  const excluded = await platform.api('POST', `/flows/${flowId}/input`, { tenant, body: { data: { excludeRows: [2, 4] } } });
  expect(excluded.status).toBe(202);
  const again = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_input' && phase(s, 'data_validation').runs === 2);
  const revalidated = await platform.api('GET', `/flows/${flowId}/phases/data_validation/artifact`, { tenant });
  expect(revalidated.body.data.excludedRows).toEqual([2, 4]);
  expect(revalidated.body.data.profile.rowCount).toBe(28);
  expect(again.pendingRequest?.phase).toBe('data_validation');

  await platform.api('POST', `/flows/${flowId}/input`, { tenant, body: { data: { accept: true } } });
  const mapping = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');
  expect(phase(mapping, 'data_validation')).toMatchObject({ status: 'completed', runs: 3 });
  await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, body: {} });
});

test('malformed CSV is a 400 naming the line, and nothing is stored', async () => {
  const before = await platform.db.db.select({ n: count() }).from(imports).where(eq(imports.tenantId, tenant));
  const res = await platform.api('POST', '/imports?filename=malformed.csv', { raw: fixture('malformed.csv'), tenant });
  expect(res.status).toBe(400);
  expect(res.body.issues[0]).toMatchObject({ field: 'body', rule: 'parse' });
  expect(res.body.issues[0].message).toMatch(/line \d+/);
  const after = await platform.db.db.select({ n: count() }).from(imports).where(eq(imports.tenantId, tenant));
  expect(after[0].n).toBe(before[0].n);
});

test('bad start input is a 400 naming the field and rule; unknown flows are 404, other tenants see 404', async () => {
  const missing = await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: {} } });
  expect(missing.status).toBe(400);
  expect(missing.body.issues).toEqual([expect.objectContaining({ field: 'body.input.importId' })]);

  const wrongType = await platform.api('POST', '/flows', { tenant, body: { flowType: 'teleport', input: {} } });
  expect(wrongType.status).toBe(400);
  expect(wrongType.body.issues[0]).toMatchObject({ field: 'body.flowType', rule: 'invalid_value' });

  const unknownImport = await platform.api('POST', '/flows', {
    tenant,
    body: { flowType: 'discovery', input: { importId: '00000000-0000-4000-8000-000000000000' } },
  });
  expect(unknownImport.status).toBe(400);
  expect(unknownImport.body.issues[0]).toMatchObject({ field: 'body.input.importId', rule: 'exists' });

  const retries = await platform.api('POST', '/flows', {
    tenant,
    body: { flowType: 'discovery', input: { importId: '00000000-0000-4000-8000-000000000000' }, options: { phaseRetry: { maximumAttempts: 0 } } },
  });
  expect(retries.status).toBe(400);
  expect(retries.body.issues[0].field).toBe('body.options.phaseRetry.maximumAttempts');

  const visibility = await platform.api('POST', '/flows', {
    tenant,
    body: { flowType: 'discovery', input: { importId: '00000000-0000-4000-8000-000000000000' }, options: { visibilityUpdates: 'never' } },
  });
  expect(visibility.status).toBe(400);
  expect(visibility.body.issues[0]).toMatchObject({ field: 'body.options.visibilityUpdates', rule: 'invalid_value' });

  expect((await platform.api('GET', `/flows/${tenant}.discovery.nope`, { tenant })).status).toBe(404);
  expect((await platform.api('POST', `/flows/${tenant}.discovery.nope/pause`, { tenant, body: {} })).status).toBe(404);

  const importId = await upload('cmdb.csv');
  const flowId = await startDiscovery(importId);
  const intruder = 'other-tenant';
  expect((await platform.api('GET', `/flows/${flowId}`, { tenant: intruder })).status).toBe(404);
  expect((await platform.api('POST', `/flows/${flowId}/cancel`, { tenant: intruder, body: {} })).status).toBe(404);
  expect((await platform.api('GET', `/imports/${importId}`, { tenant: intruder })).status).toBe(404);
  const foreignStart = await platform.api('POST', '/flows', { tenant: intruder, body: { flowType: 'discovery', input: { importId } } });
  expect(foreignStart.status).toBe(400);
  const listed = await platform.api('GET', '/flows', { tenant: intruder });
  expect(listed.body.flows.map((f: { flowId: string }) => f.flowId)).not.toContain(flowId);
  await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, body: {} });
});

test('flow types list the phases and gates of the catalog', async () => {
  const res = await platform.api('GET', '/flow-types');
  const discovery = res.body.flowTypes.find((f: { type: string }) => f.type === 'discovery');
  expect(discovery.phases.map((p: { name: string }) => p.name)).toEqual([
    'data_import',
    'data_validation',
    'field_mapping',
    'data_cleansing',
    'asset_inventory',
    'dependency_analysis',
  ]);
  expect(discovery.phases.find((p: { name: string }) => p.name === 'field_mapping').gate).toBe('approval');
});
