/**
 * Runs agents on any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp…).
 *
 * One agent run = a tool-calling loop, then the final answer validated with zod; an invalid or truncated answer
 * gets one repair request carrying the validation errors, then fails for good (non-retryable: the flow waits in
 * needs_attention with the reason). Every request goes through `complete`, which serves identical requests from
 * the tenant's cache (usable answers only) and asks an identical request in flight only once, refuses calls over
 * the tenant's budget (counting the calls in flight), keeps the endpoint's requests-per-minute quota for the whole
 * fleet, heartbeats while waiting, aborts when the activity is cancelled, and writes the ledger. The SDK's own
 * retries are off: Temporal is the only retry layer.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { Config } from '../../config';
import type { Logger } from '../../config/logger';
import type { Database } from '../../db';
import { PhaseFailureType } from '../../workflows/messages';
import { classifyLlmError, MalformedResponseError } from './llm-errors';
import { cacheKeyOf, LlmLedger, type CallSite, type LedgerEntry, type LlmCallOutcome } from './ledger';
import { LlmPriceList } from './pricing';
import { RequestQuota } from './request-quota';
import { ModelCallDeferredError, OFFLINE_PROVIDER_NAME, type AgentDefinition, type AgentProvider, type AgentResult, type AgentRun, type AgentTool } from './provider';

type LlmConfig = Pick<
  Config,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'MFO_LLM_MODEL'
  | 'MFO_LLM_AGENT_MODELS'
  | 'MFO_LLM_PRICES'
  | 'MFO_LLM_TIMEOUT_MS'
  | 'MFO_LLM_RETRY_AFTER_CAP_SECONDS'
  | 'MFO_LLM_MAX_OUTPUT_TOKENS'
  | 'MFO_LLM_MAX_TOOL_ROUNDS'
  | 'MFO_AGENT_REQUESTS_PER_MINUTE'
>;

/** Tool results are data for the model, not a dump: long ones are cut with a note saying so. */
const MAX_TOOL_RESULT_CHARS = 20_000;
const HEARTBEAT_EVERY_MS = 1_000;
/** How often a run waiting for another run's identical request looks for the answer in the cache. */
const IDENTICAL_REQUEST_POLL_MS = 250;
/** How long a phase's deferred first try waits for another run's identical request before deferring anyway. */
const DEFERRED_TRY_MAX_WAIT_MS = 10_000;
/** A wait is slept in slices of at most this, each after a heartbeat: well inside the phases' heartbeat timeout. */
const MAX_WAIT_SLICE_MS = 5_000;
/** Spreads the wake-ups of runs waiting for the same place in the request quota. */
const QUOTA_WAIT_JITTER_MS = 50;

const OUTPUT_RULES = [
  'Answer with a single JSON object that matches the response schema, and nothing else.',
  'Every rationale cites its evidence: the ids of assets, applications, dependencies, rows or rules you saw in the brief or in tool results. Never invent ids.',
  'Use the tools to look up details the brief does not contain.',
].join('\n');

type Verdict<T> =
  | { kind: 'tools'; calls: NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']> }
  | { kind: 'answer'; output: T }
  | { kind: 'problem'; outcome: LlmCallOutcome; problem: string; repair: string };

export class LlmAgentProvider implements AgentProvider {
  readonly name = 'llm';
  private readonly client: OpenAI;
  private readonly ledger: LlmLedger;
  private readonly pricing: LlmPriceList;
  private readonly quota: RequestQuota;

  constructor(
    private readonly config: LlmConfig,
    private readonly db: Database,
    private readonly logger: Logger,
  ) {
    this.client = new OpenAI({
      // Local servers (Ollama, llama.cpp) ignore the key, but the SDK insists on one.
      apiKey: config.OPENAI_API_KEY ?? 'not-needed',
      baseURL: config.OPENAI_BASE_URL,
      maxRetries: 0,
      timeout: config.MFO_LLM_TIMEOUT_MS,
    });
    this.ledger = new LlmLedger(db);
    this.pricing = new LlmPriceList(config.MFO_LLM_PRICES);
    this.quota = new RequestQuota(db, config.MFO_AGENT_REQUESTS_PER_MINUTE);
  }

  modelFor(agent: string): string {
    return this.config.MFO_LLM_AGENT_MODELS[agent] ?? this.config.MFO_LLM_MODEL;
  }

  async run<TInput, TOutput>(agent: AgentDefinition<TInput, TOutput>, run: AgentRun<TInput>): Promise<AgentResult<TOutput>> {
    const model = this.modelFor(agent.name);
    const site: CallSite = {
      tenantId: run.tenantId,
      flowId: run.flowId,
      phase: run.phase,
      run: run.run,
      attempt: Context.current().info.attempt,
      agent: agent.name,
    };
    const brief = agent.brief(run.input);
    if ((brief === null || (Array.isArray(brief) && brief.length === 0)) && run.feedback.length === 0) {
      // Nothing to ask (no close calls, no groups): the rules' answer stands and no request is billed.
      return { output: agent.outputSchema.parse(agent.offline(run.input, run)), provider: OFFLINE_PROVIDER_NAME };
    }
    // Under deferModelCalls, cache hits are recorded only once the whole answer came from the cache: an agent that
    // then needs a real request re-runs on the agent queue, and its hits would otherwise be recorded twice.
    const heldCacheHits: LedgerEntry[] | null = run.deferModelCalls ? [] : null;
    const tools = agent.tools.map(toOpenAiTool);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: `${agent.rolePrompt}\n\n${OUTPUT_RULES}` },
      { role: 'user', content: userMessage(brief, run.feedback, run.examples) },
    ];
    const responseFormat = {
      type: 'json_schema' as const,
      json_schema: { name: agent.name, schema: z.toJSONSchema(agent.outputSchema) as Record<string, unknown>, strict: false },
    };
    let toolRounds = 0;
    let repaired: string | null = null;
    for (;;) {
      const toolsAllowed = tools.length > 0 && toolRounds < this.config.MFO_LLM_MAX_TOOL_ROUNDS;
      const request: ChatCompletionCreateParamsNonStreaming = {
        model,
        messages,
        response_format: responseFormat,
        max_tokens: this.config.MFO_LLM_MAX_OUTPUT_TOKENS,
        temperature: 0,
        ...(toolsAllowed ? { tools } : {}),
      };
      const { completion, verdict } = await this.complete(site, run, request, (c) => judge(c, agent.outputSchema), heldCacheHits);
      const message = completion.choices[0].message;
      if (verdict.kind === 'answer') {
        for (const hit of heldCacheHits ?? []) await this.account(site, hit);
        return { output: verdict.output, provider: `${this.name}:${model}` };
      }
      if (verdict.kind === 'tools') {
        toolRounds += 1;
        messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: message.tool_calls });
        for (const call of verdict.calls) {
          messages.push({ role: 'tool', tool_call_id: call.id, content: call.type === 'function' ? await this.runTool(agent, run, call) : JSON.stringify({ error: 'only function tools exist here' }) });
        }
        if (toolRounds >= this.config.MFO_LLM_MAX_TOOL_ROUNDS) {
          messages.push({ role: 'user', content: 'That was the last tool round: answer now with the JSON object.' });
        }
        continue;
      }
      if (repaired !== null) {
        throw ApplicationFailure.create({
          type: PhaseFailureType.llmInvalidOutput,
          message: `agent ${agent.name} (model ${model}) gave no valid answer, also after a repair request: ${verdict.problem} (first answer: ${repaired})`,
          nonRetryable: true,
        });
      }
      repaired = verdict.problem;
      messages.push({ role: 'assistant', content: message.content ?? '' }, { role: 'user', content: verdict.repair });
    }
  }

  /**
   * One chat-completion request, accounted for. `assess` decides the ledger outcome of a 200 (an answer that fails
   * its schema is billed like any other, but recorded as what it was) and whether it may be cached: only tool calls
   * and valid answers are. A cached bad answer would be served to the identical first request of every retry of the
   * phase, and the phase could never succeed again.
   */
  private async complete<T>(
    site: CallSite,
    run: AgentRun<unknown>,
    request: ChatCompletionCreateParamsNonStreaming,
    assess: (c: ChatCompletion) => Verdict<T>,
    /** Set when model calls are deferred: hits are held here, and a miss ends the run with ModelCallDeferredError. */
    heldCacheHits: LedgerEntry[] | null,
  ): Promise<{ completion: ChatCompletion; verdict: Verdict<T> }> {
    const model = String(request.model);
    // The endpoint is part of the key: the same model name on two servers (OpenAI, a local Ollama) is two models.
    const cacheKey = cacheKeyOf({ endpoint: this.client.baseURL, request });
    const started = Date.now();
    // Identical requests of a tenant are asked once at a time: the run that claims the key asks, and the others wait
    // for its answer to reach the cache rather than pay for it again and spend the request quota on it. The deferred
    // first try of a phase claims for its own agent-queue run, which holds the same claim, so waiters wait on the
    // flow queue.
    const holder = `${site.flowId}/${site.phase}/${site.run}`;
    for (let waited = false; ; waited = true) {
      const hit = await this.ledger.cached<ChatCompletion>(site.tenantId, cacheKey);
      if (hit) {
        const verdict = assess(hit);
        // A bad answer cached before only usable ones were is not served: the model is asked again and the new
        // answer replaces it.
        if (verdict.kind !== 'problem') {
          const latencyMs = Date.now() - started;
          const detail = waited ? `served from the tenant cache after ${latencyMs} ms waiting for an identical request in flight: not billed` : 'served from the tenant cache: not billed';
          const entry: LedgerEntry = { model, outcome: 'cache_hit', cached: true, latencyMs, cacheKey, detail };
          if (heldCacheHits) heldCacheHits.push(entry);
          else await this.account(site, entry);
          return { completion: hit, verdict };
        }
      }
      if (await this.ledger.claim(site.tenantId, cacheKey, holder, this.claimLifetimeMs())) {
        // The claim may have been free because its asker's answer reached the cache after the read above (the
        // answer's transaction ends the claim). Look once more, so no claim is left over a usable answer already cached.
        const answer = await this.ledger.cached<ChatCompletion>(site.tenantId, cacheKey);
        if (!answer || assess(answer).kind === 'problem') break;
        await this.unclaim(site, cacheKey, holder);
        continue;
      }
      // The engine lets a deferred first try finish before a pause takes effect, so it waits only briefly; a longer
      // wait continues on the agent queue, where a pause cancels it.
      if (heldCacheHits && Date.now() - started >= DEFERRED_TRY_MAX_WAIT_MS) throw new ModelCallDeferredError(site.agent);
      await this.wait(site, 'an identical request in flight', started, IDENTICAL_REQUEST_POLL_MS);
    }
    if (heldCacheHits) throw new ModelCallDeferredError(site.agent);
    const reservation = await this.enforceBudget(site, request, cacheKey);
    let answered = false;
    try {
      await this.quota.acquire(this.client.baseURL, (ms) => this.wait(site, 'the request quota', started, ms + Math.random() * QUOTA_WAIT_JITTER_MS));
      const sent = await this.send(site, run, request, assess, { model, cacheKey, started: Date.now(), reservation });
      answered = sent.verdict.kind !== 'problem';
      return sent;
    } finally {
      // The ledger row of the call's outcome has normally deleted the reservation already (then this deletes
      // nothing); this frees it when the call ended without one, e.g. the database failed meanwhile.
      if (reservation) await this.releaseBudget(reservation);
      // A cached answer ended the claim in its own transaction; without one, a waiting run may ask instead.
      if (!answered) await this.unclaim(site, cacheKey, holder);
    }
  }

  /**
   * How long a claim holds off identical requests. It covers the asker's wait in the agent queue's backlog and its
   * request; a claim that old belongs to a run that died or was paused, and the next run takes it over.
   */
  private claimLifetimeMs(): number {
    return 2 * this.config.MFO_LLM_TIMEOUT_MS;
  }

  /** Waits inside the activity: heartbeating, so the wait is not taken for a hang, and ended by cancellation. */
  private async wait(site: CallSite, waitingFor: string, started: number, ms: number): Promise<void> {
    const ctx = Context.current();
    ctx.heartbeat({ agent: site.agent, waitingFor, waitingMs: Date.now() - started });
    await ctx.sleep(Math.min(ms, MAX_WAIT_SLICE_MS));
  }

  /** A failure here must not hide the call's own outcome; an unreleased claim expires on its own. */
  private async unclaim(site: CallSite, cacheKey: string, holder: string): Promise<void> {
    await this.ledger
      .unclaim(site.tenantId, cacheKey, holder)
      .catch((err) => this.logger.warn({ ...site, err: String(err) }, 'could not end a claim of an LLM request: it expires after twice the request timeout'));
  }

  /** The request itself, past the cache, the budget and the quota: sent, waited for, and written to the ledger. */
  private async send<T>(
    site: CallSite,
    run: AgentRun<unknown>,
    request: ChatCompletionCreateParamsNonStreaming,
    assess: (c: ChatCompletion) => Verdict<T>,
    call: { model: string; cacheKey: string; started: number; reservation: string | undefined },
  ): Promise<{ completion: ChatCompletion; verdict: Verdict<T> }> {
    const { model, cacheKey, started, reservation } = call;
    const ctx = Context.current();
    const beat = setInterval(() => ctx.heartbeat({ agent: site.agent, waitingFor: 'the model', waitingMs: Date.now() - started }), HEARTBEAT_EVERY_MS);
    let completion: ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(request, { signal: ctx.cancellationSignal });
      if (!Array.isArray(completion?.choices) || !completion.choices[0]?.message) {
        throw new MalformedResponseError('a 200 response without choices[0].message');
      }
    } catch (err) {
      const latencyMs = Date.now() - started;
      if (ctx.cancellationSignal.aborted) {
        await this.account(site, { model, outcome: 'aborted', latencyMs, cacheKey, detail: 'the flow was paused or cancelled' }, undefined, reservation);
        throw ctx.cancellationSignal.reason ?? err;
      }
      const classified = classifyLlmError(err, this.config.MFO_LLM_RETRY_AFTER_CAP_SECONDS * 1000, { latencyMs, timeoutMs: this.config.MFO_LLM_TIMEOUT_MS });
      await this.account(site, { model, outcome: classified.outcome, latencyMs, cacheKey, detail: classified.detail }, undefined, reservation);
      this.logger.warn({ ...site, model, outcome: classified.outcome }, classified.detail);
      throw classified.failure;
    } finally {
      clearInterval(beat);
    }

    const tokensIn = completion.usage?.prompt_tokens ?? 0;
    const tokensOut = completion.usage?.completion_tokens ?? 0;
    const costUsd = this.pricing.cost(model, tokensIn, tokensOut);
    const verdict = assess(completion);
    const outcome = verdict.kind === 'problem' ? verdict.outcome : 'ok';
    const priced = this.pricing.priceOf(model) ? null : `no price for ${model} (set MFO_LLM_PRICES): cost recorded as 0`;
    const detail = [verdict.kind === 'problem' ? verdict.problem : null, completion.usage ? null : 'the endpoint reported no token usage', priced]
      .filter(Boolean)
      .join('; ');
    const entry: LedgerEntry = { model, outcome, tokensIn, tokensOut, costUsd, latencyMs: Date.now() - started, cacheKey, detail: detail || null };
    await this.account(site, entry, verdict.kind === 'problem' ? undefined : completion, reservation);
    if (run.crashAfterCall && site.attempt === 1) {
      this.logger.warn(site, 'fault injection: killing the worker after a recorded model answer');
      process.kill(process.pid, 'SIGKILL');
    }
    return { completion, verdict };
  }

  /**
   * Ledger row (with the answer to cache, when it is usable) and the worker's Prometheus counters, together. The
   * row settles the call's budget reservation, if it has one, in the same transaction.
   */
  private async account(site: CallSite, entry: LedgerEntry, response?: ChatCompletion, reservation?: string): Promise<void> {
    if (response) await this.ledger.recordAnswer(site, entry, response, reservation);
    else await this.ledger.record(site, entry, reservation);
    countCall(site.agent, entry);
  }

  /**
   * Refuses a call that could take the tenant over its monthly budget; otherwise reserves the call's worst-case
   * cost until its ledger row is written, so concurrent calls of the tenant (other flows, other workers) count it
   * too. Returns the reservation's id, or nothing for a tenant without a budget (most: one read, no lock, no row).
   */
  private async enforceBudget(site: CallSite, request: ChatCompletionCreateParamsNonStreaming, cacheKey: string): Promise<string | undefined> {
    if ((await this.ledger.monthlyLimit(site.tenantId)) === null) return undefined;
    // Worst case: the prompt at ~4 characters per token, plus the full output allowance.
    const estimate = this.pricing.cost(String(request.model), Math.ceil(JSON.stringify(request.messages).length / 4), request.max_tokens ?? 0);
    // A call ends within the request timeout; a reservation twice as old is a dead worker's and no longer counts.
    const reservation = await this.ledger.reserve(site, estimate, 2 * this.config.MFO_LLM_TIMEOUT_MS);
    if (reservation.kind === 'unlimited') return undefined;
    if (reservation.kind === 'reserved') return reservation.id;
    const { limitUsd, spentUsd, reservedUsd } = reservation;
    const detail =
      `tenant ${site.tenantId} has spent $${spentUsd.toFixed(4)} of its $${limitUsd.toFixed(2)} monthly LLM budget` +
      `${reservedUsd > 0 ? ` and calls in flight have reserved $${reservedUsd.toFixed(4)}` : ''}; this call could cost up to $${estimate.toFixed(4)}`;
    await this.account(site, { model: String(request.model), outcome: 'budget_exceeded', latencyMs: 0, cacheKey, detail });
    throw ApplicationFailure.create({
      type: PhaseFailureType.llmBudgetExceeded,
      message: `${detail}. Raise the budget (PATCH /api/v1/tenants/${site.tenantId}) and retry the phase.`,
      nonRetryable: true,
    });
  }

  /** A failure here must not hide the call's own outcome; an unreleased reservation expires on its own. */
  private async releaseBudget(reservation: string): Promise<void> {
    await this.ledger
      .release(reservation)
      .catch((err) => this.logger.warn({ reservation, err: String(err) }, 'could not release an LLM budget reservation: it expires after twice the request timeout'));
  }

  private async runTool<TInput>(agent: AgentDefinition<TInput, unknown>, run: AgentRun<TInput>, call: { function: { name: string; arguments: string } }): Promise<string> {
    const tool = agent.tools.find((t) => t.name === call.function.name);
    if (!tool) return JSON.stringify({ error: `no tool named ${call.function.name}; available: ${agent.tools.map((t) => t.name).join(', ')}` });
    let args: unknown;
    try {
      args = JSON.parse(call.function.arguments || '{}');
    } catch {
      return JSON.stringify({ error: 'arguments are not valid JSON' });
    }
    const parsed = tool.parameters.safeParse(args);
    if (!parsed.success) return JSON.stringify({ error: `invalid arguments: ${z.prettifyError(parsed.error)}` });
    const result = JSON.stringify(await tool.run(parsed.data, { db: this.db, tenantId: run.tenantId, input: run.input }));
    return result.length > MAX_TOOL_RESULT_CHARS ? `${result.slice(0, MAX_TOOL_RESULT_CHARS)}… [cut at ${MAX_TOOL_RESULT_CHARS} characters; ask for less]` : result;
  }
}

function toOpenAiTool(tool: AgentTool<unknown>): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: z.toJSONSchema(tool.parameters) as Record<string, unknown> },
  };
}

function userMessage(brief: unknown, feedback: string[], examples: string[]): string {
  const parts = [`Brief for this run (JSON):\n${JSON.stringify(brief)}`];
  if (feedback.length) parts.push(`Reviewer feedback on earlier runs of this phase, oldest first; follow it:\n${feedback.map((f) => `- ${f}`).join('\n')}`);
  if (examples.length) parts.push(`This tenant's reviewers decided these cases before; treat them as examples:\n${examples.map((e) => `- ${e}`).join('\n')}`);
  return parts.join('\n\n');
}

/** What a 200 means for the agent: tool calls to run, a valid answer, or a problem worth one repair request. */
function judge<T>(completion: ChatCompletion, schema: z.ZodType<T>): Verdict<T> {
  const choice = completion.choices[0];
  if (choice.message.tool_calls?.length) return { kind: 'tools', calls: choice.message.tool_calls };
  if (choice.finish_reason === 'length') {
    return {
      kind: 'problem',
      outcome: 'truncated',
      problem: 'the answer was cut off at the output token limit (finish_reason: length)',
      repair: 'Your answer was cut off at the output token limit. Reply again with a shorter JSON object: keep every rationale to one sentence.',
    };
  }
  const content = (choice.message.content ?? '').trim().replace(/^```(?:json)?\s*|\s*```$/g, '');
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return {
      kind: 'problem',
      outcome: 'invalid_output',
      problem: `the answer is not JSON: ${JSON.stringify(content.slice(0, 80))}`,
      repair: 'Your answer was not valid JSON. Reply again with only the JSON object the response schema describes.',
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { kind: 'answer', output: parsed.data };
  const errors = z.prettifyError(parsed.error);
  return {
    kind: 'problem',
    outcome: 'invalid_output',
    problem: `the answer does not match the schema: ${errors.replace(/\s*\n\s*/g, ' ')}`,
    repair: `Your answer did not match the response schema:\n${errors}\nReply again with only the corrected JSON object.`,
  };
}

/** Prometheus counters on the worker's exporter; cost in micro-dollars because SDK counters are integers. */
function countCall(agent: string, entry: LedgerEntry): void {
  const meter = Context.current().metricMeter;
  const { model, outcome } = entry;
  meter.createCounter('mfo_llm_calls', 'calls', 'LLM calls by agent, model and outcome (cache_hit = not billed)').add(1, { agent, model, outcome });
  if (!entry.tokensIn && !entry.tokensOut) return;
  const tokens = meter.createCounter('mfo_llm_tokens', 'tokens', 'LLM tokens billed, by agent, model and direction');
  tokens.add(entry.tokensIn ?? 0, { agent, model, direction: 'in' });
  tokens.add(entry.tokensOut ?? 0, { agent, model, direction: 'out' });
  meter.createCounter('mfo_llm_cost_microusd', 'microusd', 'LLM cost billed, in millionths of a USD').add(Math.round((entry.costUsd ?? 0) * 1e6), { agent, model });
}
