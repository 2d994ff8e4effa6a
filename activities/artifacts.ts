/**
 * Claim check and idempotency for phase activities. A phase run's writes and its artifact row commit in one
 * transaction keyed by (tenant, flow, phase, run): a retry after a crash either finds the committed artifact
 * and returns it, or finds nothing at all and starts clean.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db';
import { phaseArtifacts, type PhaseEngineResult } from '../db/schema';
import { PhaseFailureType, type AgentPhaseResult, type PhaseActivityInput, type PhaseActivityResult } from '../workflows/messages';
import { ModelCallDeferredError } from './agents/provider';
import { outlastingDatabaseOutages } from './database-outage';
import type { ActivityDeps } from './deps';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface PhaseOutput extends PhaseEngineResult {
  summary: string;
  data: unknown;
}

export type Reader = Database | Tx;

/** A phase whose writes and artifact commit in one transaction: a retry after a crash finds both or neither. */
export async function runPhaseOnce(
  deps: ActivityDeps,
  input: PhaseActivityInput,
  compute: (tx: Tx) => Promise<PhaseOutput>,
): Promise<PhaseActivityResult> {
  return runOnce(deps, input, () => deps.db.transaction(async (tx) => store(deps, tx, input, await compute(tx))));
}

/**
 * A phase that consults an agent: analysis and model calls run outside any transaction (a model call can take
 * minutes, and PGlite serialises every query behind an open transaction); the phase's `write` and its artifact
 * then commit together. Model answers are in the LLM cache by then, so a retry does not pay for them again.
 * Under `deferModelCalls` a model request the agent would send ends the run before anything is written.
 */
export async function runAgentPhaseOnce(
  deps: ActivityDeps,
  input: PhaseActivityInput,
  compute: (db: Database) => Promise<PhaseOutput & { write?: (tx: Tx) => Promise<void> }>,
): Promise<AgentPhaseResult> {
  return runOnce(deps, input, async () => {
    let computed: Awaited<ReturnType<typeof compute>>;
    try {
      computed = await compute(deps.db);
    } catch (err) {
      if (err instanceof ModelCallDeferredError) return { deferredAgent: err.agent };
      throw err;
    }
    const { write, ...output } = computed;
    return deps.db.transaction(async (tx) => {
      await write?.(tx);
      return store(deps, tx, input, output);
    });
  });
}

async function runOnce<R extends AgentPhaseResult>(deps: ActivityDeps, input: PhaseActivityInput, execute: () => Promise<R>): Promise<R | PhaseActivityResult> {
  injectFaults(deps, input);
  const context = { tenantId: input.tenantId, flowId: input.flowId, phase: input.phase };
  return outlastingDatabaseOutages(deps.db, deps.logger, context, () => reuseOrExecute(deps, input, execute));
}

async function reuseOrExecute<R extends AgentPhaseResult>(deps: ActivityDeps, input: PhaseActivityInput, execute: () => Promise<R>): Promise<R | PhaseActivityResult> {
  const [existing] = await deps.db
    .select({ id: phaseArtifacts.id, summary: phaseArtifacts.summary, result: phaseArtifacts.result })
    .from(phaseArtifacts)
    .where(
      and(
        eq(phaseArtifacts.tenantId, input.tenantId),
        eq(phaseArtifacts.flowId, input.flowId),
        eq(phaseArtifacts.phase, input.phase),
        eq(phaseArtifacts.run, input.run),
      ),
    );
  if (existing) {
    deps.logger.info({ flowId: input.flowId, tenantId: input.tenantId, phase: input.phase }, 'phase already stored; reusing');
    return toActivityResult(existing.id, existing.summary, existing.result);
  }
  const started = Date.now();
  const result = await execute();
  if ('deferredAgent' in result) return result;
  Context.current()
    .metricMeter.createHistogram('mfo_phase_duration', 'int', 'ms', 'Wall time of a phase activity that stored its artifact')
    .record(Date.now() - started, { flow_type: input.flowType, phase: input.phase });
  return result;
}

async function store(deps: ActivityDeps, tx: Tx, input: PhaseActivityInput, output: PhaseOutput): Promise<PhaseActivityResult> {
  const { summary, data, ...engine } = output;
  const result: PhaseEngineResult = {
    inputRequest: engine.inputRequest ?? null,
    approvalBlockers: engine.approvalBlockers ?? [],
    outputs: engine.outputs ?? {},
  };
  const [row] = await tx
    .insert(phaseArtifacts)
    .values({ tenantId: input.tenantId, flowId: input.flowId, flowType: input.flowType, phase: input.phase, run: input.run, summary, result, data })
    .returning({ id: phaseArtifacts.id });
  deps.logger.info({ tenantId: input.tenantId, flowId: input.flowId, phase: input.phase, run: input.run, artifactId: row.id }, summary);
  return toActivityResult(row.id, summary, result);
}

function toActivityResult(artifactId: string, summary: string, result: PhaseEngineResult): PhaseActivityResult {
  return {
    artifactId,
    summary,
    inputRequest: result.inputRequest ?? null,
    approvalBlockers: result.approvalBlockers ?? [],
    outputs: result.outputs ?? {},
  };
}

/** Loads the artifact a previous phase stored. Missing means the flow's claim checks are broken: not retryable. */
export async function loadArtifact<T>(db: Reader, tenantId: string, artifactId: string | undefined, what: string): Promise<T> {
  if (!artifactId) {
    throw ApplicationFailure.create({
      type: PhaseFailureType.missingArtifact,
      message: `no ${what} artifact: that phase has not completed (or was skipped)`,
      nonRetryable: true,
    });
  }
  const [row] = await db
    .select({ data: phaseArtifacts.data })
    .from(phaseArtifacts)
    .where(and(eq(phaseArtifacts.tenantId, tenantId), eq(phaseArtifacts.id, artifactId)));
  if (!row) {
    throw ApplicationFailure.create({
      type: PhaseFailureType.missingArtifact,
      message: `${what} artifact ${artifactId} not found for tenant ${tenantId}`,
      nonRetryable: true,
    });
  }
  return row.data as T;
}

function injectFaults(deps: ActivityDeps, input: PhaseActivityInput): void {
  if (!deps.faultInjection) return;
  const fault = input.faults.find((f) => (f.kind ?? 'error') === 'error' && f.phase === input.phase && input.run <= f.failRuns);
  if (fault) {
    const attempt = Context.current().info.attempt;
    throw ApplicationFailure.create({
      type: PhaseFailureType.injectedFault,
      message: `injected fault in ${input.phase} (run ${input.run}, attempt ${attempt})`,
    });
  }
}

/** Tells Temporal the activity is alive between batches, and stops early if the flow was cancelled. */
export function heartbeat(progress?: unknown): void {
  const ctx = Context.current();
  ctx.heartbeat(progress);
  if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('activity cancelled');
}

/** Inserts in chunks: PostgreSQL caps a statement at 65,535 parameters. */
export async function insertInChunks<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await insert(rows.slice(i, i + size));
    heartbeat({ written: Math.min(i + size, rows.length), of: rows.length });
  }
}
