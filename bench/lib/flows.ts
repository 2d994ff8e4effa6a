/** Starting and observing flows on both sides: the platform through its gateway, the baseline through the client. */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { RawFlowInput } from '../raw/workflows';
import type { BenchContext } from './context';
import { elapsedMs, round } from './stats';

/** Discovery and Assessment have six phases, the most of any flow type; Assessment's gate follows its last phase. */
export const PLATFORM_PHASES = 6;

export interface Started {
  workflowId: string;
  /** Client-side latency of the start call, ms. */
  startMs: number;
}

export interface PlatformFlow {
  flowType: string;
  input: Record<string, unknown>;
}

/** A Discovery flow over the run's small import. */
export const discovery = (ctx: BenchContext): PlatformFlow => ({ flowType: 'discovery', input: { importId: ctx.importId } });

/**
 * POST /flows on the real gateway: authentication, validation, the predecessor check (the import for Discovery, a
 * state query for the others), encryption, the start call. With an Idempotency-Key, sending it again is safe.
 */
export async function startPlatformFlow(ctx: BenchContext, autoApprove: boolean, flow: PlatformFlow = discovery(ctx), idempotencyKey?: string): Promise<Started> {
  const t = process.hrtime.bigint();
  const res = await ctx.api.request('POST', '/flows', { ...flow, options: { autoApprove } }, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  const startMs = elapsedMs(t);
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { workflowId: res.body.flowId, startMs };
}

/** The baseline's start: the Temporal client directly, default data converter. */
export async function startRawFlow(ctx: BenchContext, input: RawFlowInput): Promise<Started> {
  const workflowId = `raw-${randomUUID()}`;
  const t = process.hrtime.bigint();
  await ctx.rawClient.workflow.start('rawFlow', { taskQueue: ctx.queues.raw, workflowId, args: [input] });
  return { workflowId, startMs: elapsedMs(t) };
}

/** The baseline of the same shape: six no-op phases, gated (like Assessment) after the last one if asked. */
export const rawShape = (gate: boolean): RawFlowInput => ({ phases: PLATFORM_PHASES, gateAfter: gate ? PLATFORM_PHASES : null });

/** A flow that never finishes means a broken setup (e.g. no worker on a queue): fail loudly instead of hanging. */
const RESULT_TIMEOUT_MS = 300_000;

async function withinTimeout(workflowId: string, result: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`flow ${workflowId} did not finish within ${RESULT_TIMEOUT_MS / 1000} s`)), RESULT_TIMEOUT_MS);
  });
  try {
    await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function platformResult(ctx: BenchContext, workflowId: string): Promise<void> {
  await withinTimeout(workflowId, ctx.platformClient.workflow.getHandle(workflowId).result());
}

export async function rawResult(ctx: BenchContext, workflowId: string): Promise<void> {
  await withinTimeout(workflowId, ctx.rawClient.workflow.getHandle(workflowId).result());
}

export async function history(ctx: BenchContext, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await ctx.rawClient.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

export function eventMs(event: temporal.api.history.v1.IHistoryEvent): number {
  const t = event.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/**
 * Phase cycles from history: the time between one phase's activity being scheduled and the next one's. Each cycle
 * holds the whole per-phase cost: dispatch, the activity, its completion, and the workflow task that decides the
 * next step.
 */
export function phaseCycles(events: temporal.api.history.v1.IHistoryEvent[]): number[] {
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map(eventMs);
  return scheduled.slice(1).map((t, i) => t - scheduled[i]);
}

/** A phase cycle split where the work changes hands, ms (see phaseLegs). */
export interface PhaseLegs {
  /** Scheduled → activity completed: dispatch, the activity, its result reaching the server. */
  activity: number;
  /** → the workflow task that decides the next step started: scheduling it and handing it to a worker. */
  toWorkflowTask: number;
  /** → that task completed: the worker's activation and its reply reaching the server. */
  workflowTask: number;
  /** → the next phase scheduled: the server recording the reply's commands. */
  toNextPhase: number;
}

/** Each phase cycle (as phaseCycles counts them) split at its history events into PhaseLegs. */
export function phaseLegs(events: temporal.api.history.v1.IHistoryEvent[]): PhaseLegs[] {
  const legs: PhaseLegs[] = [];
  const after = (from: number, has: (e: temporal.api.history.v1.IHistoryEvent) => unknown) => {
    const i = events.findIndex((e, j) => j > from && has(e));
    return i < 0 ? null : i;
  };
  events.forEach((event, i) => {
    if (!event.activityTaskScheduledEventAttributes) return;
    const next = after(i, (e) => e.activityTaskScheduledEventAttributes);
    const completed = after(i, (e) => e.activityTaskCompletedEventAttributes);
    if (next === null || completed === null || completed > next) return;
    const taskStarted = after(completed, (e) => e.workflowTaskStartedEventAttributes);
    const taskCompleted = after(completed, (e) => e.workflowTaskCompletedEventAttributes);
    if (taskStarted === null || taskCompleted === null || taskCompleted > next) return;
    const at = (j: number) => eventMs(events[j]);
    legs.push({
      activity: at(completed) - at(i),
      toWorkflowTask: at(taskStarted) - at(completed),
      workflowTask: at(taskCompleted) - at(taskStarted),
      toNextPhase: at(next) - at(taskCompleted),
    });
  });
  return legs;
}

/** The mean of each leg, ms, rounded. */
export function meanLegs(legs: PhaseLegs[]): PhaseLegs {
  const mean = (pick: (l: PhaseLegs) => number) => round(legs.reduce((sum, l) => sum + pick(l), 0) / Math.max(legs.length, 1));
  return { activity: mean((l) => l.activity), toWorkflowTask: mean((l) => l.toWorkflowTask), workflowTask: mean((l) => l.workflowTask), toNextPhase: mean((l) => l.toNextPhase) };
}

/** Runs `task` with at most `concurrency` in flight until `items` are exhausted. */
export async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/**
 * Waits until no flow of either side is running. Scenarios leave work behind (scenario 2 starts flows at a fixed
 * rate and does not wait for them), and a backlog would be measured as the next scenario's cost. Only the bench's
 * own task queues count: on a given server (--temporal-address) other flows may stay open for good.
 */
export async function drain(ctx: BenchContext, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ownQueues = [ctx.queues.platform, ctx.queues.raw].map((q) => `TaskQueue = '${q}'`).join(' OR ');
  for (;;) {
    const { count } = await ctx.rawClient.workflow.count(`ExecutionStatus = 'Running' AND (${ownQueues})`);
    if (count === 0) return;
    if (Date.now() > deadline) throw new Error(`${count} flows still running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
