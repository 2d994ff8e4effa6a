/**
 * The mfo CLI end to end: the real launcher (node cli/mfo.mjs) as a child process against the real gateway,
 * Temporal and PostgreSQL of the harness. Children run asynchronously so the in-process gateway can answer.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FlowState } from '../../workflows/messages';
import { startPlatform, type Platform } from './harness';

const ROOT = path.join(__dirname, '..', '..');
const CMDB = path.join(ROOT, 'tests', 'fixtures', 'cmdb.csv');

let platform: Platform;
let operatorKey: string;
const tenant = `cli-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startPlatform();
  operatorKey = await platform.keyFor(tenant, 'alice', 'operator');
});
afterAll(async () => {
  await platform?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mfo(args: string[], options: { key?: string; url?: string } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env.MFO_URL;
  delete env.MFO_API_KEY;
  delete env.MFO_TENANT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/mfo.mjs', ...args, '--url', options.url ?? platform.baseUrl, '--key', options.key ?? operatorKey], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const stateOf = async (flowId: string) => (await platform.api<FlowState>('GET', `/flows/${flowId}`, { tenant })).body;

const json = (run: Run) => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

test('upload → discovery → watch to the gate → approve → watch to completion, then inspect and control', async () => {
  const upload = json(await mfo(['imports', 'upload', CMDB, '--json']));
  expect(upload).toMatchObject({ filename: 'cmdb.csv', format: 'cmdb_csv' });

  const startArgs = ['flows', 'start', 'discovery', '--input', JSON.stringify({ importId: upload.id }), '--idempotency-key', `cli-${tenant}`, '--json'];
  const started = json(await mfo(startArgs));
  const flowId: string = started.flowId;
  expect(flowId.startsWith(`${tenant}.discovery.`)).toBe(true);
  expect((await stateOf(flowId)).options.visibilityUpdates).toBe('every_phase');
  const quiet = json(await mfo(['flows', 'start', 'discovery', '--input', JSON.stringify({ importId: upload.id }), '--visibility-updates', 'status_changes', '--json']));
  expect((await stateOf(quiet.flowId)).options.visibilityUpdates).toBe('status_changes');
  await platform.api('POST', `/flows/${quiet.flowId}/cancel`, { tenant, actor: 'alice', body: {} });
  // The same command again (a user unsure whether the first went through) answers with the same flow.
  expect(json(await mfo(startArgs))).toEqual(started);
  const again = await mfo(startArgs.filter((a) => a !== '--json'));
  expect(again.stdout.trim()).toBe(`already started ${flowId} (discovery) under this --idempotency-key; nothing new was started`);

  let watch = await mfo(['flows', 'watch', flowId, '--interval', '200']);
  expect(watch.code).toBe(3);
  // Every line carries the phases done so far, which only go up.
  const progress = [...watch.stdout.matchAll(/(\d)\/6 phases$/gm)].map((m) => Number(m[1]));
  expect(progress.length).toBeGreaterThan(0);
  expect(progress).toEqual([...progress].sort());
  expect(watch.stdout).toContain('waiting for a human:');
  if (watch.stdout.includes('awaiting_input')) {
    // cmdb.csv may have critical data-quality issues: accept them through the CLI too.
    expect(watch.stdout).toContain('data_validation');
    const input = await mfo(['flows', 'input', flowId, '--data', '{"accept":true}']);
    expect(input.code).toBe(0);
    watch = await mfo(['flows', 'watch', flowId, '--interval', '200']);
    expect(watch.code).toBe(3);
  }
  expect(watch.stdout).toMatch(/awaiting_approval\s+field_mapping/);
  expect(watch.stdout).toContain('approval for field_mapping');

  const approve = await mfo(['flows', 'approve', flowId, '--phase', 'field_mapping', '--comment', 'looks right']);
  expect(approve.code).toBe(0);
  expect(approve.stdout).toContain('approve: accepted');

  const done = await mfo(['flows', 'watch', flowId, '--interval', '200']);
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  expect(done.stdout).toMatch(/completed\s+-\s+6\/6 phases$/m);

  // Visibility (the list) is eventually consistent with the flow itself.
  let listed: { flowId: string; status: string }[] = [];
  for (let i = 0; i < 50 && !listed.some((f) => f.flowId === flowId && f.status === 'completed'); i++) {
    listed = json(await mfo(['flows', 'list', '--type', 'discovery', '--json'])).flows;
    if (!listed.some((f) => f.flowId === flowId && f.status === 'completed')) await new Promise((r) => setTimeout(r, 200));
  }
  expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ flowId, flowType: 'discovery', status: 'completed' })]));

  const show = await mfo(['flows', 'show', flowId]);
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(/status:\s+completed/);
  for (const phase of ['data_import', 'field_mapping', 'dependency_analysis']) expect(show.stdout).toMatch(new RegExp(`^${phase}\\s+completed`, 'm'));
  expect(json(await mfo(['flows', 'show', flowId, '--json']))).toMatchObject({ flowId, status: 'completed' });

  const audit = await mfo(['flows', 'audit', flowId]);
  expect(audit.code).toBe(0);
  expect(audit.stdout).toMatch(/approve\s+alice\s+field_mapping\s+looks right/);

  const artifact = json(await mfo(['flows', 'artifact', flowId, 'field_mapping']));
  expect(artifact.data.mapping.entries.length).toBeGreaterThan(0);

  const resume = await mfo(['flows', 'resume', flowId]);
  expect(resume.code).toBe(1);
  expect(resume.stdout).toBe('');
  expect(resume.stderr).toMatch(/^error 409: \S/);
});

/** A discovery flow of `tenant`, started through the API with options the CLI has no flags for (faults, retries). */
async function startDiscovery(options: Record<string, unknown>): Promise<string> {
  const upload = json(await mfo(['imports', 'upload', CMDB, '--json']));
  const started = await platform.api('POST', '/flows', { tenant, actor: 'alice', body: { flowType: 'discovery', input: { importId: upload.id }, options } });
  expect(started.status).toBe(201);
  return started.body.flowId;
}


test('pause, resume, retry, reject with feedback and cancel through the CLI; an illegal one exits 1', async () => {
  // data_import fails its first run and waits 8 s between attempts: the flow is running, not at a gate, meanwhile.
  const flowId = await startDiscovery({ phaseRetry: { maximumAttempts: 2, initialIntervalMs: 8_000 }, faults: [{ phase: 'data_import', failRuns: 1 }] });

  const pause = await mfo(['flows', 'pause', flowId]);
  expect(pause.code).toBe(0);
  expect(pause.stdout).toMatch(/^pause: accepted\nflow:\s+\S+\nstatus:\s+paused$/m);
  expect((await stateOf(flowId)).status).toBe('paused');
  const resume = await mfo(['flows', 'resume', flowId]);
  expect(resume.code).toBe(0);
  expect((await stateOf(flowId)).status).toBe('running');

  await platform.waitForFlow(flowId, (s) => s.status === 'needs_attention');
  expect((await mfo(['flows', 'retry', flowId])).code).toBe(0);
  let state = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval' || s.status === 'awaiting_input');
  expect(state.phases.find((p) => p.name === 'data_import')).toMatchObject({ status: 'completed', runs: 2 });
  if (state.status === 'awaiting_input') {
    expect((await mfo(['flows', 'input', flowId, '--data', '{"accept":true}'])).code).toBe(0);
    state = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');
  }

  const rejectArgs = ['flows', 'reject', flowId, '--phase', 'field_mapping', '--feedback', '"Owner" is the location', '--idempotency-key', `reject-${flowId}`];
  const reject = await mfo(rejectArgs);
  expect(reject.code).toBe(0);
  expect(reject.stdout).toContain('reject: accepted');
  const rerun = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval' && s.phases.find((p) => p.name === 'field_mapping')!.runs === 2);
  expect(JSON.stringify(rerun.phases.find((p) => p.name === 'field_mapping')!.feedback)).toContain('\\"Owner\\" is the location');
  // Run again with its key, the reject is answered, not applied a second time: no third run of the phase.
  expect((await mfo(rejectArgs)).code).toBe(0);
  expect((await stateOf(flowId)).phases.find((p) => p.name === 'field_mapping')).toMatchObject({ runs: 2, feedback: [expect.anything()] });

  const cancel = await mfo(['flows', 'cancel', flowId, '--reason', 'wrong inventory']);
  expect(cancel.code).toBe(0);
  await platform.waitForFlow(flowId, (s) => s.status === 'cancelled');

  const late = await mfo(['flows', 'pause', flowId]);
  expect(late.code).toBe(1);
  expect(late.stdout).toBe('');
  expect(late.stderr).toMatch(/^error 409: cannot pause: the flow is closed/);
  const audit = json(await mfo(['flows', 'audit', flowId, '--json'])).entries as { action: string; actor: string }[];
  expect(audit.filter((e) => e.actor === 'alice' && e.action !== 'started').map((e) => e.action)).toEqual(expect.arrayContaining(['pause', 'resume', 'retry', 'reject', 'cancel']));
});

test('skip a failed phase through the CLI; skipping again exits 1', async () => {
  const flowId = await startDiscovery({ autoApprove: true, phaseRetry: { maximumAttempts: 1, initialIntervalMs: 100 }, faults: [{ phase: 'dependency_analysis', failRuns: 5 }] });
  await platform.waitForFlow(flowId, (s) => s.status === 'needs_attention');
  const skip = await mfo(['flows', 'skip', flowId]);
  expect(skip.code).toBe(0);
  expect(skip.stdout).toContain('skip: accepted');
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(done.phases.find((p) => p.name === 'dependency_analysis')!.status).toBe('skipped');
  const again = await mfo(['flows', 'skip', flowId]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^error 409: /);
  const unknown = await mfo(['flows', 'retry', `${tenant}.discovery.00000000-0000-4000-8000-000000000000`]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/^error 404: /);
});

test('admin: create a tenant, issue a key that then works, list and revoke it', async () => {
  const admin = { key: platform.adminKey };
  const id = `${tenant}-new`;
  const created = await mfo(['tenants', 'create', id, 'New tenant'], admin);
  expect(created.code).toBe(0);
  expect(created.stdout).toContain(`created tenant ${id}`);
  expect(json(await mfo(['tenants', 'list', '--json'], admin)).tenants).toEqual(expect.arrayContaining([expect.objectContaining({ id, name: 'New tenant' })]));

  const issued = json(await mfo(['keys', 'issue', id, 'carol', '--role', 'operator', '--json'], admin));
  expect(issued).toMatchObject({ tenantId: id, name: 'carol', role: 'operator' });
  expect(issued.key).toMatch(/^mfo\./);

  expect(json(await mfo(['imports', 'list', '--json'], { key: issued.key }))).toEqual({ imports: [] });
  const keys = await mfo(['keys', 'list', id], admin);
  expect(keys.stdout).toMatch(new RegExp(`${issued.id}\\s+carol\\s+operator`));

  expect((await mfo(['keys', 'revoke', id, issued.id], admin)).code).toBe(0);
  const revoked = await mfo(['imports', 'list'], { key: issued.key });
  expect(revoked.code).toBe(1);
  expect(revoked.stderr).toMatch(/^error 401: /);
});

test('errors: validation issues, bad JSON options, an unreachable gateway, a bad grouping or budget', async () => {
  const invalid = await mfo(['tenants', 'create', 'Not A Slug', 'x'], { key: platform.adminKey });
  expect(invalid.code).toBe(1);
  expect(invalid.stderr).toMatch(/^error 400: /);
  expect(invalid.stderr).toMatch(/^\s+body\.id: .*slug/m);

  const badJson = await mfo(['flows', 'start', 'discovery', '--input', '{nope']);
  expect(badJson.code).toBe(2);
  expect(badJson.stderr).toContain('--input');

  const badVisibility = await mfo(['flows', 'start', 'discovery', '--input', '{}', '--visibility-updates', 'never']);
  expect(badVisibility.code).not.toBe(0);
  expect(badVisibility.stderr).toMatch(/--visibility-updates.*'never' is invalid/);

  const down = await mfo(['flows', 'list'], { url: 'http://127.0.0.1:59999' });
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:59999: connection refused/);

  const usage = await mfo(['usage', '--by', 'week']);
  expect(usage.code).toBe(1);
  expect(usage.stderr).toMatch(/argument 'week' is invalid/);
  const budget = await mfo(['tenants', 'budget', tenant, 'lots'], { key: platform.adminKey });
  expect(budget.code).toBe(2);
  expect(budget.stderr).toContain("'lots' is not a non-negative number");
});

test('usage and budgets: a table by default, JSON for scripts', async () => {
  const set = await mfo(['tenants', 'budget', tenant, '12.5'], { key: platform.adminKey });
  expect(set.code).toBe(0);
  expect(set.stdout).toContain(`tenant ${tenant}: monthly LLM budget $12.5`);
  const usage = json(await mfo(['usage', '--by', 'model', '--json']));
  expect(usage).toMatchObject({ tenantId: tenant, groupBy: 'model', monthlyBudgetUsd: 12.5 });
  // This suite's worker answers with the offline rules provider: no model calls, so nothing billed.
  expect(usage.totals).toMatchObject({ calls: 0, costUsd: 0 });
  const table = await mfo(['usage', '--by', 'phase']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^PHASE\s+CALLS\s+BILLED\s+CACHED\s+FAILED\s+TOKENS IN\s+TOKENS OUT\s+COST/m);
  expect(table.stdout).toMatch(/^TOTAL\s+0\s+0/m);
  expect(table.stdout).toContain('monthly budget $12.5');
});

test('a control message whose outcome is unknown (no worker acts on it in time): the CLI names the key to rerun it with, and the rerun applies it once', async () => {
  const idle = await startPlatform({ worker: false, env: { MFO_CONTROL_TIMEOUT_MS: '1000' } });
  try {
    const key = await idle.keyFor(tenant, 'alice', 'operator');
    const upload = json(await mfo(['imports', 'upload', CMDB, '--json'], { url: idle.baseUrl, key }));
    const flowId: string = json(await mfo(['flows', 'start', 'discovery', '--input', JSON.stringify({ importId: upload.id }), '--json'], { url: idle.baseUrl, key })).flowId;

    const unknown = await mfo(['flows', 'pause', flowId], { url: idle.baseUrl, key });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error 503: the pause was not confirmed within 1 s/);
    const rerun = /run the command again with --idempotency-key (\S+)$/m.exec(unknown.stderr);
    expect(rerun).not.toBeNull();

    await idle.startWorker();
    await idle.waitForFlow(flowId, (s) => s.status === 'paused');
    const again = await mfo(['flows', 'pause', flowId, '--idempotency-key', rerun![1]], { url: idle.baseUrl, key });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^pause: accepted\nflow:\s+\S+\nstatus:\s+paused$/m);
    const events = (await idle.client.workflow.getHandle(flowId).fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest?.meta?.updateId)).toEqual([rerun![1]]);
    await idle.client.workflow.getHandle(flowId).terminate('test done');
  } finally {
    await idle.stop();
  }
});
