/** The operator recipes in scripts/mfo-temporal.sh, run with the real `temporal` CLI against the dev server. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { readTestEnvironment } from '../setup/env';
import { startPlatform, type Platform } from './harness';

const execFileAsync = promisify(execFile);
let platform: Platform;
const tenant = `cli-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

/** Asynchronous: the CLI calls back into this process's codec endpoint. */
async function recipe(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(path.join(PROJECT_ROOT, 'scripts/mfo-temporal.sh'), args, {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: readTestEnvironment().temporalAddress,
      TEMPORAL_CODEC_ENDPOINT: `${platform.baseUrl}/codec`,
      TEMPORAL_CODEC_AUTH: `Bearer ${await platform.keyFor(tenant, 'ops-cli', 'operator')}`,
    },
    encoding: 'utf8',
  });
  return stdout;
}

test('query, pause, resume and approve a flow with the temporal CLI; list the tenant\'s flows', async () => {
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant });
  const flowId = (await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id } } })).body.flowId;
  await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');

  const state = JSON.parse(await recipe('state', flowId));
  expect(JSON.stringify(state)).toContain('"pendingRequest"');
  expect(JSON.stringify(state)).toContain('field_mapping');

  await recipe('approve', flowId, 'ops-cli', 'field_mapping');
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(done.phases.find((p) => p.name === 'field_mapping')!.approvedBy).toBe('ops-cli');

  const second = (await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id } } })).body.flowId;
  await platform.waitForFlow(second, (s) => s.status === 'awaiting_approval');
  await recipe('reject', second, 'ops-cli', '"Owner" is the location');
  await platform.waitForFlow(second, (s) => s.status === 'awaiting_approval' && s.phases.find((p) => p.name === 'field_mapping')!.runs === 2);
  await recipe('approve', second, 'ops-cli');
  await platform.waitForFlow(second, (s) => s.status === 'completed');

  const listed = await recipe('flows', tenant, 'completed');
  expect(listed).toContain(flowId);
  expect(listed).toContain(second);
  const history = await recipe('history', flowId);
  expect(history).toContain('approve');
});

/** A discovery flow of `tenant` from cmdb.csv, started through the API with these options. */
async function startDiscovery(options: Record<string, unknown>): Promise<string> {
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant });
  const started = await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id }, options } });
  expect(started.status).toBe(201);
  return started.body.flowId;
}

test('pause, resume and retry a running flow with the temporal CLI', async () => {
  // data_import fails its first run and waits 8 s between attempts: the flow is running, not at a gate, meanwhile.
  const flowId = await startDiscovery({ autoApprove: true, phaseRetry: { maximumAttempts: 2, initialIntervalMs: 8_000 }, faults: [{ phase: 'data_import', failRuns: 1 }] });
  await platform.waitForFlow(flowId, (s) => s.status === 'running' && s.currentPhase === 'data_import');

  expect(JSON.parse(await recipe('pause', flowId, 'ops-cli'))).toMatchObject({ name: 'pause', result: { status: 'paused' } });
  expect((await platform.waitForFlow(flowId, (s) => s.status === 'paused')).currentPhase).toBe('data_import');
  expect(JSON.parse(await recipe('resume', flowId, 'ops-cli'))).toMatchObject({ name: 'resume', result: { status: 'running' } });

  // The failing run exhausts its attempts; retry through the CLI runs the phase again, and the flow finishes.
  await platform.waitForFlow(flowId, (s) => s.status === 'needs_attention');
  await recipe('retry', flowId, 'ops-cli');
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(done.phases.find((p) => p.name === 'data_import')!.runs).toBe(2);
  const audit = (await platform.api('GET', `/flows/${flowId}/audit`, { tenant })).body.entries as { action: string; actor: string | null }[];
  expect(audit.filter((e) => ['pause', 'resume', 'retry'].includes(e.action)).map((e) => [e.action, e.actor])).toEqual([
    ['pause', 'ops-cli'],
    ['resume', 'ops-cli'],
    ['retry', 'ops-cli'],
  ]);
});

test('reset-to-phase re-runs a completed flow from that phase, keeping the phases before it', async () => {
  const flowId = await startDiscovery({ autoApprove: true });
  const before = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  const firstRun = (await platform.client.workflow.getHandle(flowId).describe()).runId;
  const resetAt = Date.now();

  expect(await recipe('reset-to-phase', flowId, 'asset_inventory')).toContain(`Resetting workflow ${flowId}`);
  const handle = platform.client.workflow.getHandle(flowId);
  let runId = firstRun;
  for (const deadline = Date.now() + 30_000; runId === firstRun && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    runId = (await handle.describe()).runId;
  }
  expect(runId).not.toBe(firstRun);
  const after = await platform.waitForFlow(flowId, (s) => s.status === 'completed');

  // The phases before asset_inventory come from the replayed history, unchanged; it and the phase after it ran again.
  const started = (s: typeof after, name: string) => Date.parse(s.phases.find((p) => p.name === name)!.startedAt!);
  for (const name of ['data_import', 'data_validation', 'field_mapping']) expect(started(after, name)).toBe(started(before, name));
  for (const name of ['asset_inventory', 'dependency_analysis']) expect(started(after, name)).toBeGreaterThanOrEqual(resetAt);

  // The new run's history: a workflow task failed by the reset, then asset_inventory scheduled again.
  const events = (await handle.fetchHistory()).events ?? [];
  const EventType = temporal.api.enums.v1.EventType;
  const reset = events.findIndex((e) => e.workflowTaskFailedEventAttributes?.cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
  expect(reset).toBeGreaterThan(0);
  const scheduledAfter = events.slice(reset).filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
  expect(scheduledAfter).toEqual(['discoveryAssetInventory', 'discoveryDependencyAnalysis']);
});

test('reset-to-phase names the problem when the phase never ran', async () => {
  const flowId = await startDiscovery({ autoApprove: true });
  await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  await expect(recipe('reset-to-phase', flowId, 'no_such_phase')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no activity of phase no_such_phase') });
});
