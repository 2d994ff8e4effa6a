/**
 * The LLM agent layer against a fake OpenAI-compatible server on loopback, scripted per test. Each test drives a real
 * flow through the gateway and asserts its outcome (state, artifact, history) and the ledger rows it left.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { dataQualityExplainer } from '../../activities/agents/discovery-agents';
import { LlmLedger } from '../../activities/agents/ledger';
import { RequestQuota } from '../../activities/agents/request-quota';
import { parseImport } from '../../activities/analysis/discovery/formats';
import type { Database } from '../../db';
import { assets, llmBudgetReservations, llmCache, llmCalls, llmRequestsInFlight, llmRequestWindow, phaseArtifacts, rawRows, strategyOverrides } from '../../db/schema';
import type { FlowState } from '../../workflows/messages';
import { briefOf, DEFAULT_USAGE, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { startPlatform, type Platform } from './harness';

const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
// Two of five rows identify no host: a critical issue the data-quality explainer is asked about.
const gapsCsv = [
  'Name,IP Address,Operating System,CPU Cores,RAM (GB),Environment,Application',
  'web01,10.0.0.1,Ubuntu 22.04,4,16,PRD,Shop',
  ',,Ubuntu 22.04,4,16,PRD,Shop',
  'db01,10.0.0.3,RHEL 9,8,64,PRD,Shop',
  ',,RHEL 9,8,64,DEV,Shop',
  'app01,10.0.0.5,RHEL 9,8,64,DEV,Shop',
].join('\n');
// List prices per million tokens in / out: gpt-4o-mini $0.15 / $0.60 (the default model), gpt-4.1-mini $0.40 / $1.60.
const COST_PER_CALL = (DEFAULT_USAGE.prompt * 0.15 + DEFAULT_USAGE.completion * 0.6) / 1_000_000;
const RESOLVER_COST_PER_CALL = (DEFAULT_USAGE.prompt * 0.4 + DEFAULT_USAGE.completion * 1.6) / 1_000_000;

let fake: FakeOpenAi;
let platform: Platform;
let llmEnv: Record<string, string>;
let tenantSeq = 0;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  llmEnv = {
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-test',
    MFO_LLM_MODEL: 'gpt-4o-mini',
    MFO_LLM_AGENT_MODELS: 'field-mapping-resolver=gpt-4.1-mini',
    MFO_LLM_TIMEOUT_MS: '4000',
    MFO_LLM_RETRY_AFTER_CAP_SECONDS: '1',
  };
  platform = await startPlatform({ env: llmEnv });
});
afterAll(async () => {
  await platform?.stop();
  await fake?.close();
});
beforeEach(() => fake.script(null));

const newTenant = () => `llm-${Date.now().toString(36)}-${++tenantSeq}`;
const phaseOf = (s: FlowState, name: string) => s.phases.find((p) => p.name === name)!;

async function upload(tenant: string, content = csv, filename = 'cmdb.csv', on: Platform = platform): Promise<string> {
  const res = await on.api('POST', `/imports?filename=${filename}`, { raw: content, tenant });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function startDiscoveryOf(tenant: string, importId: string, options: Record<string, unknown> = { autoApprove: true }, on: Platform = platform): Promise<string> {
  const res = await on.api('POST', '/flows', { tenant, actor: 'alice', body: { flowType: 'discovery', input: { importId }, options } });
  expect(res.status).toBe(201);
  return res.body.flowId;
}

async function startDiscovery(tenant: string, options: Record<string, unknown> = { autoApprove: true }, on: Platform = platform): Promise<string> {
  return startDiscoveryOf(tenant, await upload(tenant, csv, 'cmdb.csv', on), options, on);
}

const settled = (s: FlowState) => ['completed', 'needs_attention', 'cancelled'].includes(s.status);

async function ledger(flowId: string, agent?: string) {
  const rows = await platform.db.db
    .select()
    .from(llmCalls)
    .where(and(eq(llmCalls.flowId, flowId), ...(agent ? [eq(llmCalls.agent, agent)] : [])))
    .orderBy(asc(llmCalls.createdAt));
  return rows;
}

const requestsFor = (agent: string) => fake.requests.filter((r) => r.agent === agent);

/** Scripts the fake to hold the next request of `agent` until the returned function is called; others are answered. */
function holdNextRequestOf(agent: string): () => void {
  let release!: (reply: undefined) => void;
  const released = new Promise<undefined>((resolve) => (release = resolve));
  let held = false;
  fake.script((req) => {
    if (req.agent !== agent || held) return undefined;
    held = true;
    return { kind: 'hold', release: released };
  });
  return () => release(undefined);
}

/** The task queues each activity of a flow was scheduled on, in order, from its history. */
async function taskQueuesOf(flowId: string): Promise<Record<string, string[]>> {
  const history = await platform.client.workflow.getHandle(flowId).fetchHistory();
  const queues: Record<string, string[]> = {};
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) (queues[scheduled.activityType!.name!] ??= []).push(scheduled.taskQueue!.name!);
  }
  return queues;
}

test('tool calls reach the tenant data; answers are validated, stored, labelled and billed', async () => {
  const tenant = newTenant();
  let groupAsked = '';
  fake.script((req) => {
    if (req.agent !== 'move-group-namer' || req.nth > 1 || briefOf(req)[0] === undefined) return undefined;
    groupAsked = briefOf(req)[0].groupId;
    return { kind: 'tool_calls', calls: [{ name: 'group_members', args: { groupId: groupAsked, limit: 5 } }] };
  });
  const before = requestsFor('move-group-namer').length;
  const explainerBefore = requestsFor('data-quality-explainer').length;
  const startedAt = new Date(Date.now() - 1000).toISOString();
  const flowId = await startDiscovery(tenant);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');

  // The fixture has no critical data-quality issue: nothing was asked, and the artifact says the rules answered.
  expect(requestsFor('data-quality-explainer').length).toBe(explainerBefore);
  const validation = await platform.api('GET', `/flows/${flowId}/phases/data_validation/artifact`, { tenant });
  expect(validation.body.data.provider).toBe('offline-rules');

  const namerRequests = requestsFor('move-group-namer').slice(before);
  expect(namerRequests).toHaveLength(2);
  const toolMessage = namerRequests[1].body.messages.find((m: { role: string }) => m.role === 'tool');
  const [anAsset] = await platform.db.db.select({ hostname: assets.hostname }).from(assets).where(eq(assets.flowId, flowId)).limit(1);
  expect(anAsset).toBeDefined();
  const members = JSON.parse(toolMessage.content) as { hostname: string }[];
  expect(members.length).toBeGreaterThan(0);
  expect(members.every((m) => typeof m.hostname === 'string')).toBe(true);
  expect(namerRequests[1].body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['group_members', 'asset_dependencies']);

  const artifact = await platform.api('GET', `/flows/${flowId}/phases/dependency_analysis/artifact`, { tenant });
  expect(artifact.body.data.provider).toBe('llm:gpt-4o-mini');
  expect(artifact.body.data.moveGroups.find((g: { groupId: string }) => g.groupId === groupAsked).name).toBe(`Model group ${groupAsked}`);

  const rows = await ledger(flowId);
  expect(rows.length).toBeGreaterThanOrEqual(2);
  expect(rows.every((r) => r.outcome === 'ok' && !r.cached && r.tenantId === tenant)).toBe(true);
  expect(rows.every((r) => r.tokensIn === DEFAULT_USAGE.prompt && r.tokensOut === DEFAULT_USAGE.completion)).toBe(true);
  // The per-agent model override: the resolver ran on gpt-4.1-mini and was priced as such; the rest on the default.
  const resolver = rows.filter((r) => r.agent === 'field-mapping-resolver');
  expect(resolver.length).toBeGreaterThan(0);
  expect(resolver.every((r) => r.model === 'gpt-4.1-mini' && Math.abs(r.costUsd - RESOLVER_COST_PER_CALL) < 1e-12)).toBe(true);
  const others = rows.filter((r) => r.agent !== 'field-mapping-resolver');
  expect(others.every((r) => r.model === 'gpt-4o-mini' && Math.abs(r.costUsd - COST_PER_CALL) < 1e-12)).toBe(true);
  expect(requestsFor('field-mapping-resolver').at(-1)!.body.model).toBe('gpt-4.1-mini');

  // Every phase is tried on the flow queue first. The one whose agent had nothing to ask ended there; the two that
  // had to ask a model stopped before sending anything and ran again on the agent queue (whose rate limit is the
  // provider quota), the only runs that took one of its slots.
  const queues = await taskQueuesOf(flowId);
  const flowQueue = platform.config.TEMPORAL_TASK_QUEUE;
  expect(queues.discoveryDataValidation).toEqual([flowQueue]);
  expect(queues.discoveryFieldMapping).toEqual([flowQueue, `${flowQueue}-agents`]);
  expect(queues.discoveryDependencyAnalysis).toEqual([flowQueue, `${flowQueue}-agents`]);
  expect(queues.discoveryDataCleansing).toEqual([flowQueue]);

  const usage = await platform.api('GET', `/usage?groupBy=phase&flowId=${flowId}`, { tenant, role: 'viewer' });
  expect(usage.status).toBe(200);
  expect(usage.body.totals.billedCalls).toBe(rows.length);
  expect(usage.body.totals.costUsd).toBeCloseTo(others.length * COST_PER_CALL + resolver.length * RESOLVER_COST_PER_CALL, 12);
  const byPhase = Object.fromEntries(usage.body.rows.map((r: { key: string; calls: number }) => [r.key, r.calls]));
  expect(byPhase.dependency_analysis).toBe(2);
  // By model, over a period that holds the flow: each model's calls, tokens and cost; a period before it holds nothing.
  const endedAt = new Date(Date.now() + 1000).toISOString();
  const byModel = await platform.api('GET', `/usage?groupBy=model&from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(endedAt)}`, { tenant });
  expect(byModel.status).toBe(200);
  const models = Object.fromEntries(byModel.body.rows.map((r: { key: string }) => [r.key, r]));
  expect(Object.keys(models).sort()).toEqual(['gpt-4.1-mini', 'gpt-4o-mini']);
  expect(models['gpt-4.1-mini']).toMatchObject({ calls: resolver.length, billedCalls: resolver.length, cacheHits: 0, tokensIn: resolver.length * DEFAULT_USAGE.prompt, tokensOut: resolver.length * DEFAULT_USAGE.completion });
  expect(models['gpt-4.1-mini'].costUsd).toBeCloseTo(resolver.length * RESOLVER_COST_PER_CALL, 12);
  expect(models['gpt-4o-mini']).toMatchObject({ calls: others.length, tokensIn: others.length * DEFAULT_USAGE.prompt, tokensOut: others.length * DEFAULT_USAGE.completion });
  expect(models['gpt-4o-mini'].costUsd).toBeCloseTo(others.length * COST_PER_CALL, 12);
  const earlier = await platform.api('GET', `/usage?groupBy=model&to=${encodeURIComponent(startedAt)}`, { tenant });
  expect(earlier.body.rows).toEqual([]);
  expect(earlier.body.totals.calls).toBe(0);
  // Another tenant sees none of it.
  const other = await platform.api('GET', `/usage?flowId=${flowId}`, { tenant: newTenant() });
  expect(other.body.totals.calls).toBe(0);
});

test('429 with a Retry-After of an hour: retried after the capped delay, both calls in the ledger', async () => {
  const tenant = newTenant();
  let limited = false;
  fake.script((req) => {
    if (req.agent !== 'move-group-namer' || limited) return undefined;
    limited = true;
    return { kind: 'error', status: 429, headers: { 'retry-after': '3600' } };
  });
  const flowId = await startDiscovery(tenant);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');
  const rows = await ledger(flowId, 'move-group-namer');
  expect(rows.map((r) => r.outcome)).toEqual(['rate_limited', 'ok']);
  expect(rows[0].detail).toContain('Retry-After 3600 s, capped to 1 s');
  expect(rows.map((r) => r.attempt)).toEqual([1, 2]);
  expect(rows[0].costUsd).toBe(0);
});

test('repeated 503s exhaust the retries into needs_attention, one HTTP request per attempt; retry after recovery completes', async () => {
  const tenant = newTenant();
  let healthy = false;
  fake.script((req) => (req.agent === 'move-group-namer' && !healthy ? { kind: 'error', status: 503, headers: { 'retry-after': '3600' } } : undefined));
  const before = requestsFor('move-group-namer').length;
  const flowId = await startDiscovery(tenant, { autoApprove: true, phaseRetry: { maximumAttempts: 2, initialIntervalMs: 100 } });
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError).toMatchObject({ phase: 'dependency_analysis', type: 'LlmUnavailable' });
  expect(stuck.lastError!.message).toContain('503');
  const failed = await ledger(flowId, 'move-group-namer');
  expect(failed.map((r) => `${r.outcome}@${r.attempt}`)).toEqual(['server_error@1', 'server_error@2']);
  // The 503's Retry-After set the delay before attempt 2, capped like a 429's.
  expect(failed[0].detail).toContain('Retry-After 3600 s, capped to 1 s');
  // The SDK's retries are off: the server saw exactly one request per Temporal attempt.
  expect(requestsFor('move-group-namer').length - before).toBe(2);

  healthy = true;
  expect((await platform.api('POST', `/flows/${flowId}/retry`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');
  const rows = await ledger(flowId, 'move-group-namer');
  expect(rows.map((r) => `${r.outcome}@run${r.run}`)).toEqual(['server_error@run1', 'server_error@run1', 'ok@run2']);
  expect(requestsFor('move-group-namer').length - before).toBe(3);
});

test('a hang past the timeout, a reset and a malformed 200 are retried; each leaves its ledger row', async () => {
  const tenant = newTenant();
  const replies = [{ kind: 'hang' as const }, { kind: 'reset' as const }, { kind: 'raw' as const, status: 200, body: '{"id": "chatcmpl-1", "choices": [' }];
  fake.script((req) => (req.agent === 'move-group-namer' ? replies.shift() : undefined));
  const before = requestsFor('move-group-namer').length;
  const flowId = await startDiscovery(tenant, { autoApprove: true, phaseRetry: { maximumAttempts: 5, initialIntervalMs: 100 } });
  const done = await platform.waitForFlow(flowId, settled, { timeoutMs: 90_000 });
  expect(done.status).toBe('completed');
  expect((await ledger(flowId, 'move-group-namer')).map((r) => r.outcome)).toEqual(['timeout', 'connection_error', 'malformed_response', 'ok']);
  expect(requestsFor('move-group-namer')[before].aborted).toBe(true);
});

test('an answer that is not JSON twice: one repair request, then needs_attention with the reason, no Temporal retry', async () => {
  const tenant = newTenant();
  fake.script((req) => (req.agent === 'move-group-namer' ? { kind: 'answer', content: 'Sure! Here are the groups: group 1 is payments.' } : undefined));
  const before = requestsFor('move-group-namer').length;
  const flowId = await startDiscovery(tenant);
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError).toMatchObject({ phase: 'dependency_analysis', type: 'LlmInvalidOutput' });
  expect(stuck.lastError!.message).toMatch(/not JSON.*also after a repair request|also after a repair request.*not JSON/);
  const rows = await ledger(flowId, 'move-group-namer');
  expect(rows.map((r) => `${r.outcome}@${r.attempt}`)).toEqual(['invalid_output@1', 'invalid_output@1']);
  const repair = requestsFor('move-group-namer')[before + 1];
  expect(repair.body.messages.at(-1).content).toContain('not valid JSON');
});

test('bad answers are billed but never cached: a retry after needs_attention asks the model again and completes', async () => {
  const tenant = newTenant();
  const notJson = 'Sure! Here are the groups: group 1 is payments.';
  let cooperative = false;
  fake.script((req) => (req.agent === 'move-group-namer' && !cooperative ? { kind: 'answer', content: notJson } : undefined));
  const before = requestsFor('move-group-namer').length;
  const flowId = await startDiscovery(tenant);
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError).toMatchObject({ phase: 'dependency_analysis', type: 'LlmInvalidOutput' });
  expect(stuck.lastError!.message).toContain('gave no valid answer, also after a repair request: the answer is not JSON');
  const failed = await ledger(flowId, 'move-group-namer');
  expect(failed.map((r) => r.outcome)).toEqual(['invalid_output', 'invalid_output']);
  expect(requestsFor('move-group-namer').length - before).toBe(2);
  const cachedKeys = (rows: { cacheKey: string }[]) =>
    platform.db.db.select().from(llmCache).where(and(eq(llmCache.tenantId, tenant), inArray(llmCache.key, rows.map((r) => r.cacheKey))));
  expect(await cachedKeys(failed)).toEqual([]);
  // A cache written before this rule may hold a bad answer under the first request's key: it must not be served.
  await platform.db.db.insert(llmCache).values({
    tenantId: tenant,
    key: failed[0].cacheKey,
    model: 'gpt-4o-mini',
    response: { id: 'legacy', object: 'chat.completion', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: notJson }, finish_reason: 'stop' }] },
  });

  cooperative = true;
  expect((await platform.api('POST', `/flows/${flowId}/retry`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');
  const rows = await ledger(flowId, 'move-group-namer');
  expect(rows.map((r) => `${r.outcome}@run${r.run}`)).toEqual(['invalid_output@run1', 'invalid_output@run1', 'ok@run2']);
  // Each request billed once, none served from the cache; the model was asked once more, with the same request.
  expect(rows.every((r) => !r.cached && r.tokensIn === DEFAULT_USAGE.prompt && Math.abs(r.costUsd - COST_PER_CALL) < 1e-12)).toBe(true);
  expect(rows[2].cacheKey).toBe(rows[0].cacheKey);
  expect(requestsFor('move-group-namer').length - before).toBe(3);
  const [replaced] = await cachedKeys([rows[2]]);
  expect(JSON.parse((replaced.response as { choices: { message: { content: string } }[] }).choices[0].message.content).groups.length).toBeGreaterThan(0);
});

test('an answer that fails the schema is repaired with the validation errors', async () => {
  const tenant = newTenant();
  fake.script((req) => (req.agent === 'move-group-namer' && !req.text.includes('did not match') ? { kind: 'answer', content: { groups: [{ groupId: 'g1' }] } } : undefined));
  const flowId = await startDiscovery(tenant);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');
  expect((await ledger(flowId, 'move-group-namer')).map((r) => r.outcome)).toEqual(['invalid_output', 'ok']);
  const repair = requestsFor('move-group-namer').at(-1)!;
  expect(repair.body.messages.at(-1).content).toMatch(/did not match the response schema[\s\S]*groups\[0\]\.name/);
});

test('output cut off at the token limit twice ends in needs_attention saying so', async () => {
  const tenant = newTenant();
  fake.script((req) => (req.agent === 'move-group-namer' ? { kind: 'answer', content: '{"groups": [{"groupId": "g1", "na', finishReason: 'length' } : undefined));
  const flowId = await startDiscovery(tenant);
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError!.message).toContain('cut off at the output token limit');
  expect((await ledger(flowId, 'move-group-namer')).map((r) => r.outcome)).toEqual(['truncated', 'truncated']);
});

test('401 is not retried: one call, needs_attention naming the key setting', async () => {
  const tenant = newTenant();
  fake.script((req) => (req.agent === 'move-group-namer' ? { kind: 'error', status: 401, message: 'Incorrect API key provided' } : undefined));
  const flowId = await startDiscovery(tenant);
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError).toMatchObject({ type: 'LlmRequestRejected' });
  expect(stuck.lastError!.message).toContain('OPENAI_API_KEY');
  expect((await ledger(flowId, 'move-group-namer')).map((r) => `${r.outcome}@${r.attempt}`)).toEqual(['rejected@1']);
});

test('a call over the tenant budget is not made; raising the budget and retrying completes the flow', async () => {
  const tenant = newTenant();
  await platform.keyFor(tenant, 'alice', 'operator');
  const setBudget = (usd: number | null) =>
    platform.api('PATCH', `/tenants/${tenant}`, { key: platform.adminKey, body: { llmMonthlyBudgetUsd: usd } });
  expect((await setBudget(0.00001)).status).toBe(200);
  const before = fake.requests.length;
  const flowId = await startDiscovery(tenant);
  const stuck = await platform.waitForFlow(flowId, settled);
  expect(stuck.status).toBe('needs_attention');
  expect(stuck.lastError).toMatchObject({ type: 'LlmBudgetExceeded' });
  expect(stuck.lastError!.message).toContain('monthly LLM budget');
  expect(fake.requests.length).toBe(before);
  const refused = await ledger(flowId);
  expect(refused.map((r) => r.outcome)).toEqual(['budget_exceeded']);

  expect((await platform.api('PATCH', `/tenants/${tenant}`, { key: platform.adminKey, body: { llmMonthlyBudgetUsd: 'lots' } })).status).toBe(400);
  expect((await setBudget(5)).status).toBe(200);
  expect((await platform.api('POST', `/flows/${flowId}/retry`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  expect((await platform.waitForFlow(flowId, settled)).status).toBe('completed');
  const usage = await platform.api('GET', '/usage?groupBy=month', { tenant });
  expect(usage.body.monthlyBudgetUsd).toBe(5);
  expect(usage.body.totals.costUsd).toBeGreaterThan(0);
  expect(usage.body.totals.costUsd).toBeLessThanOrEqual(5);
});

describe('requests held in flight for longer than the 4 s request timeout of the other tests', () => {
  let slowPlatform: Platform;
  beforeAll(async () => {
    // A long request timeout, so that a held request is surely still in flight when the second flow asks.
    slowPlatform = await startPlatform({ env: { ...llmEnv, MFO_LLM_TIMEOUT_MS: '60000' } });
  });
  afterAll(async () => {
    await slowPlatform?.stop();
  });

  const reservationsOf = (tenant: string) =>
    slowPlatform.db.db.select().from(llmBudgetReservations).where(eq(llmBudgetReservations.tenantId, tenant));

  test("a call that, with the calls in flight, could exceed the budget is not made; reservations end with their call; a dead worker's expires", async () => {
    const tenant = newTenant();
    await slowPlatform.keyFor(tenant, 'alice', 'operator');
    // One explainer call's worst case is its whole output allowance at $0.60 per million tokens plus a short prompt:
    // half as much again fits one call, not two (checked against the real request below).
    const budget = (1.5 * slowPlatform.config.MFO_LLM_MAX_OUTPUT_TOKENS * 0.6) / 1_000_000;
    const setBudget = await slowPlatform.api('PATCH', `/tenants/${tenant}`, { key: slowPlatform.adminKey, body: { llmMonthlyBudgetUsd: budget } });
    expect(setBudget.status).toBe(200);
    // Left by a worker that died mid-call an hour ago: far over the budget, but older than twice the request timeout.
    await slowPlatform.db.db
      .insert(llmBudgetReservations)
      .values({ tenantId: tenant, flowId: `${tenant}.discovery.dead`, phase: 'data_validation', estimateUsd: 100, createdAt: new Date(Date.now() - 3_600_000) });

    const release = holdNextRequestOf('data-quality-explainer');
    const before = requestsFor('data-quality-explainer').length;
    const first = await startDiscoveryOf(tenant, await upload(tenant, gapsCsv, 'gaps.csv', slowPlatform), { autoApprove: true }, slowPlatform);
    await waitUntil(() => requestsFor('data-quality-explainer').length > before);
    const inFlight = requestsFor('data-quality-explainer')[before].body;
    const estimate = (Math.ceil(JSON.stringify(inFlight.messages).length / 4) * 0.15 + inFlight.max_tokens * 0.6) / 1_000_000;
    expect(budget).toBeGreaterThanOrEqual(estimate);
    expect(budget).toBeLessThan(2 * estimate);
    // The expired reservation did not block the call and is gone; the call in flight holds its worst case.
    const live = await reservationsOf(tenant);
    expect(live.map((r) => ({ flowId: r.flowId, phase: r.phase }))).toEqual([{ flowId: first, phase: 'data_validation' }]);
    expect(live[0].estimateUsd).toBeCloseTo(estimate, 6);

    // One row more, so that its question differs: an identical one would wait for the first flow's answer instead.
    const moreGaps = `${gapsCsv}\nweb06,10.0.0.6,Ubuntu 22.04,2,8,DEV,Shop`;
    const second = await startDiscoveryOf(tenant, await upload(tenant, moreGaps, 'gaps.csv', slowPlatform), { autoApprove: true }, slowPlatform);
    const refused = await slowPlatform.waitForFlow(second, settled);
    expect(refused.status).toBe('needs_attention');
    expect(refused.lastError).toMatchObject({ phase: 'data_validation', type: 'LlmBudgetExceeded' });
    expect(refused.lastError!.message).toContain('calls in flight have reserved $');
    expect((await ledger(second)).map((r) => r.outcome)).toEqual(['budget_exceeded']);
    expect(requestsFor('data-quality-explainer').length - before).toBe(1);

    release();
    await waitUntil(async () => (await ledger(first, 'data-quality-explainer')).length > 0);
    expect((await ledger(first, 'data-quality-explainer')).map((r) => r.outcome)).toEqual(['ok']);
    // Deleted with the answer's ledger row, in the same transaction.
    expect(await reservationsOf(tenant)).toEqual([]);
    await slowPlatform.api('POST', `/flows/${first}/cancel`, { tenant, actor: 'alice', body: {} });
  });

  test('a run that waits long for an identical request moves on to the agent queue, where a pause takes effect at once', async () => {
    const tenant = newTenant();
    const [first, second] = [await upload(tenant, csv, 'cmdb.csv', slowPlatform), await upload(tenant, csv, 'cmdb.csv', slowPlatform)];
    const release = holdNextRequestOf('field-mapping-resolver');
    const before = requestsFor('field-mapping-resolver').length;
    const asker = await startDiscoveryOf(tenant, first, { autoApprove: true }, slowPlatform);
    await waitUntil(() => requestsFor('field-mapping-resolver').length > before);
    const waiter = await startDiscoveryOf(tenant, second, { autoApprove: true }, slowPlatform);
    // After 10 s on the flow queue, the waiter's field-mapping phase defers to the agent queue and waits there.
    await waitUntil(async () => ((await taskQueuesOf(waiter)).discoveryFieldMapping ?? []).length === 2, 30_000);
    const pausedAt = Date.now();
    expect((await slowPlatform.api('POST', `/flows/${waiter}/pause`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
    const paused = await slowPlatform.waitForFlow(waiter, (s) => s.status === 'paused');
    expect(phaseOf(paused, 'field_mapping').status).not.toBe('completed');
    // Cancelled at once: no activity of the flow is left pending.
    await waitUntil(async () => (await slowPlatform.client.workflow.getHandle(waiter).describe()).raw.pendingActivities?.length === 0, 5_000);
    expect(Date.now() - pausedAt).toBeLessThan(5_000);

    release();
    expect((await slowPlatform.waitForFlow(asker, settled)).status).toBe('completed');
    expect((await slowPlatform.api('POST', `/flows/${waiter}/resume`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
    expect((await slowPlatform.waitForFlow(waiter, settled)).status).toBe('completed');
    // Asked once, by the asker; the waiter was served its answer.
    expect(requestsFor('field-mapping-resolver').length - before).toBe(1);
    expect((await ledger(waiter, 'field-mapping-resolver')).map((r) => [r.outcome, r.cached])).toEqual([['cache_hit', true]]);
  });
});

test('identical calls are served from the tenant cache: a second run of the same data pays nothing', async () => {
  const tenant = newTenant();
  const first = await startDiscovery(tenant);
  expect((await platform.waitForFlow(first, settled)).status).toBe('completed');
  const billedFirst = (await ledger(first)).filter((r) => !r.cached);
  expect(billedFirst.length).toBeGreaterThan(0);

  const before = fake.requests.length;
  const second = await startDiscovery(tenant);
  expect((await platform.waitForFlow(second, settled)).status).toBe('completed');
  const rows = await ledger(second);
  expect(rows.length).toBe(billedFirst.length);
  expect(rows.every((r) => r.outcome === 'cache_hit' && r.cached && r.costUsd === 0)).toBe(true);
  expect(fake.requests.length).toBe(before);
  // Answers the cache holds need no model request, so no phase took an agent-queue slot.
  const queues = await taskQueuesOf(second);
  expect(Object.values(queues).flat().every((q) => q === platform.config.TEMPORAL_TASK_QUEUE)).toBe(true);

  // The cache is per tenant: the same data elsewhere is asked afresh.
  const elsewhere = await startDiscovery(newTenant());
  expect((await platform.waitForFlow(elsewhere, settled)).status).toBe('completed');
  expect((await ledger(elsewhere)).every((r) => !r.cached)).toBe(true);

  // …and per endpoint: the same tenant and data sent to another server is asked there, not answered from this one.
  const otherFake = await startFakeOpenAi();
  const onOtherEndpoint = await startPlatform({ env: { ...llmEnv, OPENAI_BASE_URL: otherFake.url } });
  const asked = fake.requests.length;
  try {
    const third = await startDiscovery(tenant, { autoApprove: true }, onOtherEndpoint);
    expect((await onOtherEndpoint.waitForFlow(third, settled)).status).toBe('completed');
    const thirdRows = await ledger(third);
    expect(thirdRows.length).toBe(billedFirst.length);
    expect(thirdRows.every((r) => r.outcome === 'ok' && !r.cached)).toBe(true);
    expect(otherFake.requests.length).toBe(billedFirst.length);
    expect(fake.requests.length).toBe(asked);
  } finally {
    await onOtherEndpoint.stop();
    await otherFake.close();
  }
});

test('identical requests in flight are asked once: the other flows wait for the answer instead of asking again', async () => {
  const tenant = newTenant();
  const imports = [await upload(tenant), await upload(tenant), await upload(tenant)];
  const release = holdNextRequestOf('field-mapping-resolver');
  const before = requestsFor('field-mapping-resolver').length;
  const flows = await Promise.all(imports.map((importId) => startDiscoveryOf(tenant, importId)));
  await waitUntil(() => requestsFor('field-mapping-resolver').length > before);
  // Every flow has reached the question; the asker's request is held, the other two wait for its answer.
  await Promise.all(flows.map((f) => platform.waitForFlow(f, (s) => s.currentPhase === 'field_mapping')));
  await new Promise((r) => setTimeout(r, 1_500));
  expect(requestsFor('field-mapping-resolver').length - before).toBe(1);
  const claims = await platform.db.db.select().from(llmRequestsInFlight).where(eq(llmRequestsInFlight.tenantId, tenant));
  expect(claims).toHaveLength(1);
  const asker = flows.find((f) => claims[0].holder.startsWith(`${f}/field_mapping/`))!;
  expect(asker).toBeDefined();

  release();
  const done = await Promise.all(flows.map((f) => platform.waitForFlow(f, settled)));
  expect(done.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
  expect(requestsFor('field-mapping-resolver').length - before).toBe(1);
  for (const flowId of flows) {
    const rows = await ledger(flowId, 'field-mapping-resolver');
    if (flowId === asker) {
      expect(rows.map((r) => [r.outcome, r.cached])).toEqual([['ok', false]]);
    } else {
      // Served the asker's answer: not billed, and said so.
      expect(rows.map((r) => [r.outcome, r.cached, r.costUsd])).toEqual([['cache_hit', true, 0]]);
      expect(rows[0].detail).toContain('waiting for an identical request in flight');
      // Their field-mapping phase never took a slot of the agent queue.
      expect((await taskQueuesOf(flowId)).discoveryFieldMapping).toEqual([platform.config.TEMPORAL_TASK_QUEUE]);
    }
  }
  expect((await taskQueuesOf(asker)).discoveryFieldMapping).toEqual([platform.config.TEMPORAL_TASK_QUEUE, `${platform.config.TEMPORAL_TASK_QUEUE}-agents`]);
  // The answer's transaction ended the claim.
  expect(await platform.db.db.select().from(llmRequestsInFlight).where(eq(llmRequestsInFlight.tenantId, tenant))).toEqual([]);
});

test('a claim on a request is exclusive while live: its holder renews it, another run takes it over only once it has expired', async () => {
  const ledgerOf = new LlmLedger(platform.db.db);
  const tenant = newTenant();
  const key = 'c'.repeat(64);
  const claimsOf = () => platform.db.db.select().from(llmRequestsInFlight).where(eq(llmRequestsInFlight.tenantId, tenant));
  // Two runs claim at the same moment: exactly one wins.
  const won = await Promise.all([ledgerOf.claim(tenant, key, 'a/field_mapping/1', 60_000), ledgerOf.claim(tenant, key, 'b/field_mapping/1', 60_000)]);
  expect(won.filter(Boolean)).toHaveLength(1);
  const [winner, loser] = won[0] ? ['a/field_mapping/1', 'b/field_mapping/1'] : ['b/field_mapping/1', 'a/field_mapping/1'];
  expect(await ledgerOf.claim(tenant, key, winner, 60_000)).toBe(true);
  expect(await ledgerOf.claim(tenant, key, loser, 60_000)).toBe(false);
  // The winner's run died two minutes ago: its claim has expired.
  await platform.db.db.update(llmRequestsInFlight).set({ claimedAt: new Date(Date.now() - 120_000) }).where(eq(llmRequestsInFlight.tenantId, tenant));
  expect(await ledgerOf.claim(tenant, key, loser, 60_000)).toBe(true);
  // The former holder can no longer end a claim it lost.
  await ledgerOf.unclaim(tenant, key, winner);
  expect((await claimsOf()).map((c) => c.holder)).toEqual([loser]);
  await ledgerOf.unclaim(tenant, key, loser);
  expect(await claimsOf()).toEqual([]);
});

test('the request quota is shared through the database: no minute holds more than it, and a full window says how long to wait', async () => {
  const endpoint = `http://quota-${newTenant()}.invalid/v1`;
  // Two workers' views of one quota of 3 requests a minute.
  const workers = [new RequestQuota(platform.db.db, 3), new RequestQuota(platform.db.db, 3)];
  const decisions = await Promise.all(Array.from({ length: 8 }, (_, i) => workers[i % 2].tryAcquire(endpoint)));
  expect(decisions.filter((d) => d.granted)).toHaveLength(3);
  for (const d of decisions) if (!d.granted) expect(d.waitMs).toBeGreaterThan(50_000);
  const sent = () => platform.db.db.select().from(llmRequestWindow).where(eq(llmRequestWindow.endpoint, endpoint));
  expect(await sent()).toHaveLength(3);
  // A minute later those three have left the window: places are free again, and the old rows are gone.
  await platform.db.db.update(llmRequestWindow).set({ sentAt: new Date(Date.now() - 62_000) }).where(eq(llmRequestWindow.endpoint, endpoint));
  expect(await workers[1].tryAcquire(endpoint)).toEqual({ granted: true });
  expect(await sent()).toHaveLength(1);
  // Another endpoint has a window of its own.
  expect(await workers[0].tryAcquire(`${endpoint}/other`)).toEqual({ granted: true });
});

test('a request waits for a place in a full quota window and is sent once one is free', async () => {
  const quotaPlatform = await startPlatform({ env: { ...llmEnv, MFO_AGENT_REQUESTS_PER_MINUTE: '5' } });
  try {
    // The endpoint's window is full: five requests 57 s ago, which leave it (61 s) four seconds from now. (Earlier
    // tests' requests, to the same fake, are cleared first: they would fill it too.)
    await quotaPlatform.db.db.delete(llmRequestWindow).where(eq(llmRequestWindow.endpoint, fake.url));
    const full = Date.now();
    const sentBefore = Array.from({ length: 5 }, () => ({ endpoint: fake.url, sentAt: new Date(full - 57_000) }));
    await quotaPlatform.db.db.insert(llmRequestWindow).values(sentBefore);
    const asked = fake.requests.length;
    const flowId = await startDiscovery(newTenant(), { autoApprove: true }, quotaPlatform);
    expect((await quotaPlatform.waitForFlow(flowId, settled)).status).toBe('completed');
    const sent = fake.requests.slice(asked);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent[0].at).toBeGreaterThanOrEqual(full + 4_000 - 50);
    // The five old places have left the window; the flow's requests hold theirs.
    const window = await quotaPlatform.db.db.select().from(llmRequestWindow).where(eq(llmRequestWindow.endpoint, fake.url));
    expect(window).toHaveLength(sent.length);
    expect(window.every((w) => w.sentAt.getTime() >= full)).toBe(true);
  } finally {
    await quotaPlatform.db.db.delete(llmRequestWindow).where(eq(llmRequestWindow.endpoint, fake.url));
    await quotaPlatform.stop();
  }
});

test('reject-with-feedback reaches the agent prompt', async () => {
  const tenant = newTenant();
  const flowId = await startDiscovery(tenant, { autoApprove: false });
  let state = await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_input' || s.status === 'awaiting_approval');
  if (state.status === 'awaiting_input') {
    await platform.api('POST', `/flows/${flowId}/input`, { tenant, actor: 'alice', body: { data: { accept: true } } });
    state = await platform.waitForFlow(flowId, (s) => s.pendingRequest?.phase === 'field_mapping');
  }
  const feedback = 'Column Owner holds the data-centre location, map Owner to location';
  expect((await platform.api('POST', `/flows/${flowId}/reject`, { tenant, actor: 'bob', body: { feedback } })).status).toBe(202);
  await platform.waitForFlow(flowId, (s) => phaseOf(s, 'field_mapping').runs === 2 && s.status === 'awaiting_approval');
  const asked = requestsFor('field-mapping-resolver').filter((r) => r.text.includes(feedback));
  expect(asked.length).toBeGreaterThanOrEqual(1);
  expect(asked[0].text).toContain('Reviewer feedback on earlier runs of this phase');
  await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, actor: 'alice', body: {} });
});

test('pausing a flow aborts the in-flight model request; resume re-runs the phase', async () => {
  const tenant = newTenant();
  const before = requestsFor('move-group-namer').length;
  let hung = false;
  fake.script((req) => {
    if (req.agent !== 'move-group-namer' || hung) return undefined;
    hung = true;
    return { kind: 'hang' };
  });
  const flowId = await startDiscovery(tenant);
  await waitUntil(() => requestsFor('move-group-namer').length > before);
  expect((await platform.api('POST', `/flows/${flowId}/pause`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  const paused = await platform.waitForFlow(flowId, (s) => s.status === 'paused' && phaseOf(s, 'dependency_analysis').status !== 'completed');
  expect(paused.status).toBe('paused');
  await waitUntil(() => requestsFor('move-group-namer')[before].aborted);
  await waitUntil(async () => (await ledger(flowId, 'move-group-namer')).some((r) => r.outcome === 'aborted'));

  expect((await platform.api('POST', `/flows/${flowId}/resume`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  const done = await platform.waitForFlow(flowId, settled);
  expect(done.status).toBe('completed');
  expect((await ledger(flowId, 'move-group-namer')).map((r) => r.outcome)).toEqual(['aborted', 'ok']);
});

test('cancelling a flow aborts the in-flight model request and the flow ends cancelled', async () => {
  const tenant = newTenant();
  const before = requestsFor('move-group-namer').length;
  fake.script((req) => (req.agent === 'move-group-namer' ? { kind: 'hang' } : undefined));
  const flowId = await startDiscovery(tenant);
  await waitUntil(() => requestsFor('move-group-namer').length > before);
  expect((await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, actor: 'alice', body: {} })).status).toBe(202);
  const cancelled = await platform.waitForFlow(flowId, settled);
  expect(cancelled.status).toBe('cancelled');
  expect(phaseOf(cancelled, 'dependency_analysis').status).not.toBe('completed');
  await waitUntil(() => requestsFor('move-group-namer')[before].aborted);
  await waitUntil(async () => (await ledger(flowId, 'move-group-namer')).length > 0);
  expect((await ledger(flowId, 'move-group-namer')).map((r) => `${r.outcome}@${r.attempt}`)).toEqual(['aborted@1']);
  // Nothing asked again after the cancel.
  expect(requestsFor('move-group-namer').length - before).toBe(1);
});

test('get_rows returns rows in row order, whatever order they are stored and asked in', async () => {
  const tenant = newTenant();
  const content = gapsCsv;
  const importId = await upload(tenant, content, 'gaps.csv');
  // Staged here in reverse, so the table's physical order is the opposite of the row order.
  const staged = parseImport(content, 'gaps.csv').rows.reverse();
  for (const row of staged) await platform.db.db.insert(rawRows).values({ tenantId: tenant, importId, rowNumber: row.rowNumber, data: row.data });
  const before = requestsFor('data-quality-explainer').length;
  fake.script((req) =>
    req.agent === 'data-quality-explainer' && !req.body.messages.some((m: { role: string }) => m.role === 'tool')
      ? { kind: 'tool_calls', calls: [{ name: 'get_rows', args: { rowNumbers: [5, 2, 4, 1] } }] }
      : undefined,
  );
  const flowId = await startDiscoveryOf(tenant, importId);
  await platform.waitForFlow(flowId, (s) => phaseOf(s, 'data_validation').status !== 'pending' && phaseOf(s, 'data_validation').status !== 'running');
  const asked = requestsFor('data-quality-explainer').slice(before);
  expect(asked).toHaveLength(2);
  const toolMessage = asked[1].body.messages.find((m: { role: string }) => m.role === 'tool');
  expect((JSON.parse(toolMessage.content) as { rowNumber: number }[]).map((r) => r.rowNumber)).toEqual([1, 2, 4, 5]);
  const validation = await platform.api('GET', `/flows/${flowId}/phases/data_validation/artifact`, { tenant });
  expect(validation.body.data.provider).toBe('llm:gpt-4o-mini');
  await platform.api('POST', `/flows/${flowId}/cancel`, { tenant, actor: 'alice', body: {} });

  // The planner above may walk the primary key and return row order by luck; with index scans off it reads the
  // table in its (reversed) physical order, and only the tool's ORDER BY puts the rows right.
  const getRows = dataQualityExplainer.tools.find((t) => t.name === 'get_rows')!;
  const bySeqScan = await platform.db.db.transaction(async (tx) => {
    for (const setting of ['enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan']) await tx.execute(sql.raw(`set local ${setting} = off`));
    return (await getRows.run({ rowNumbers: [5, 2, 4, 1] }, { db: tx as unknown as Database, tenantId: tenant, input: { importId, profile: validation.body.data.profile } })) as { rowNumber: number }[];
  });
  expect(bySeqScan.map((r) => r.rowNumber)).toEqual([1, 2, 4, 5]);
});

test("the tenant's past 7R overrides are given to the strategy agent as examples; every flow's agents answer through the model", async () => {
  const tenant = newTenant();
  const discovery = await startDiscovery(tenant);
  expect((await platform.waitForFlow(discovery, settled)).status).toBe('completed');
  await platform.db.db
    .insert(strategyOverrides)
    .values({ tenantId: tenant, flowId: `${tenant}.assessment.earlier`, applicationKey: 'app-legacy-crm', strategy: 'retain', reason: 'vendor contract runs to 2028', actor: 'carol' });
  const start = await platform.api('POST', '/flows', { tenant, body: { flowType: 'assessment', input: { discoveryFlowId: discovery }, options: { autoApprove: true } } });
  expect(start.status).toBe(201);
  const done = await platform.waitForFlow(start.body.flowId, settled);
  expect(done.status).toBe('completed');
  const asked = requestsFor('strategy-advisor').filter((r) => r.text.includes('vendor contract runs to 2028'));
  expect(asked).toHaveLength(1);
  expect(asked[0].text).toContain('app-legacy-crm: a reviewer chose retain');
  const artifact = await platform.api('GET', `/flows/${start.body.flowId}/phases/strategy_recommendation/artifact`, { tenant });
  expect(artifact.body.data.provider).toBe('llm:gpt-4o-mini');
  expect(artifact.body.data.pastOverridesUsed).toBe(1);
  const debt = await platform.api('GET', `/flows/${start.body.flowId}/phases/tech_debt_assessment/artifact`, { tenant });
  expect(debt.body.data.provider).toBe('llm:gpt-4o-mini');

  // Planning's wave-namer and FinOps' prioritiser answer through the model too; FinOps budgets the tenant's LLM spend.
  const planning = await platform.api('POST', `/flows/${start.body.flowId}/successors`, {
    tenant,
    body: { flowType: 'planning', input: { startDate: '2027-01-04', maxAppsPerWave: 6 }, options: { autoApprove: true } },
  });
  expect(planning.status).toBe(201);
  expect((await platform.waitForFlow(planning.body.flowId, settled)).status).toBe('completed');
  const waves = (await platform.api('GET', `/flows/${planning.body.flowId}/phases/wave_planning/artifact`, { tenant })).body.data;
  expect(waves.provider).toBe('llm:gpt-4o-mini');
  expect(waves.waveNames.map((w: { name: string }) => w.name)).toEqual(waves.plan.waves.map((w: { number: number }) => `Model wave ${w.number}`));

  const finops = await platform.api('POST', '/flows', { tenant, body: { flowType: 'finops', input: { discoveryFlowId: discovery, months: 3 }, options: { autoApprove: true } } });
  expect(finops.status).toBe(201);
  expect((await platform.waitForFlow(finops.body.flowId, settled)).status).toBe('completed');
  const savings = (await platform.api('GET', `/flows/${finops.body.flowId}/phases/optimization_identification/artifact`, { tenant })).body.data;
  expect(savings.provider).toBe('llm:gpt-4o-mini');
  expect(savings.optimisations.map((o: { rank: number }) => o.rank)).toEqual(savings.optimisations.map((_: unknown, i: number) => i + 1));
  const budget = (await platform.api('GET', `/flows/${finops.body.flowId}/phases/budget_planning/artifact`, { tenant })).body.data;
  expect(budget.llmSpendSource).toBe('LLM ledger, last 30 days');
  const spent = (await platform.api('GET', '/usage?groupBy=month', { tenant })).body.totals.costUsd;
  expect(spent).toBeGreaterThan(0);
});

test('/usage rejects a bad grouping with the field and the rule', async () => {
  const res = await platform.api('GET', '/usage?groupBy=week', { tenant: newTenant() });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).toContain('groupBy');
});

describe('a worker that dies between the model answer and the artifact write', () => {
  let crashPlatform: Platform;
  const metricsPort = 20_000 + Math.floor(Math.random() * 20_000);
  beforeAll(async () => {
    crashPlatform = await startPlatform({ worker: false, env: { ...llmEnv, MFO_WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` } });
  });
  afterAll(async () => {
    await crashPlatform?.stop();
  });

  test('the retried activity is served from the cache: billed once', async () => {
    const tenant = newTenant();
    const flowId = await startDiscovery(tenant, { autoApprove: true, faults: [{ phase: 'dependency_analysis', failRuns: 1, kind: 'crash_after_llm_call' }] }, crashPlatform);
    const first = crashPlatform.spawnWorkerProcess();
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    const answered = await ledger(flowId, 'move-group-namer');
    expect(answered.map((r) => r.outcome)).toEqual(['ok']);
    const stored = await crashPlatform.db.db
      .select({ id: phaseArtifacts.id })
      .from(phaseArtifacts)
      .where(and(eq(phaseArtifacts.flowId, flowId), eq(phaseArtifacts.phase, 'dependency_analysis')));
    expect(stored).toHaveLength(0);

    crashPlatform.spawnWorkerProcess();
    const done = await crashPlatform.waitForFlow(flowId, settled, { tenant, timeoutMs: 120_000 });
    expect(done.status).toBe('completed');
    const rows = await ledger(flowId, 'move-group-namer');
    expect(rows.filter((r) => !r.cached)).toHaveLength(1);
    expect(rows.filter((r) => r.cached).map((r) => `${r.outcome}@${r.attempt}`)).toEqual(['cache_hit@2']);
    const billed = rows.reduce((sum, r) => sum + r.costUsd, 0);
    expect(billed).toBeCloseTo(COST_PER_CALL, 12);

    // The surviving worker's Prometheus exporter counted its call as a cache hit, and billed no tokens for it.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/mfo_llm_calls\S*\{[^}]*outcome="cache_hit"[^}]*\} 1\b/);
    expect(metrics).not.toMatch(/mfo_llm_tokens\S*\{[^}]*agent="move-group-namer"/);

    // A flow of another tenant on the same worker is billed: tokens and cost appear, per agent and model.
    const other = await startDiscovery(newTenant(), { autoApprove: true }, crashPlatform);
    expect((await crashPlatform.waitForFlow(other, settled, { timeoutMs: 60_000 })).status).toBe('completed');
    const after = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(after).toMatch(new RegExp(`mfo_llm_tokens\\S*\\{[^}]*agent="move-group-namer"[^}]*direction="in"[^}]*\\} ${DEFAULT_USAGE.prompt}\\b`));
    expect(after).toMatch(/mfo_llm_cost_microusd\S*\{[^}]*agent="move-group-namer"[^}]*\} 270\b/);
  });
});

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
