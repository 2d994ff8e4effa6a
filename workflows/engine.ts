/**
 * The phase engine every flow type runs on. A flow is its catalog entry's phases run in order; the engine owns
 * status, pause/resume at phase boundaries, human gates, needs_attention after exhausted retries, cancellation,
 * search attributes and the Web UI's current details. Flow files only pick their catalog entry.
 */
import * as wf from '@temporalio/workflow';
import type { PhaseActivities } from '../activities/phases';
import { FLOW_CATALOG, type PhaseDefinition } from './catalog';
import {
  approveUpdate,
  cancelUpdate,
  inputUpdate,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  retryUpdate,
  skipUpdate,
  stateQuery,
  PhaseFailureType,
  type Actor,
  type Feedback,
  type FlowStartInput,
  type FlowState,
  type PendingRequest,
  type PhaseActivityResult,
  type PhaseState,
} from './messages';
import { CurrentPhaseKey, FlowStatusKey } from './search-attributes';
import type { FlowStatus } from './vocabulary';

type PhaseActivityName = keyof PhaseActivities;

// Activities heartbeat between batches; a short heartbeat timeout lets a crashed worker's phase be retried
// elsewhere within seconds instead of waiting for the start-to-close timeout. On cancel the flow waits for the
// running phase to stop, so nothing is still writing after the flow reports `cancelled`.
const activities = wf.proxyActivities<PhaseActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  cancellationType: wf.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

type Decision =
  | { kind: 'approve'; actor: string }
  | { kind: 'reject'; feedback: Feedback }
  | { kind: 'input'; actor: string; data: Record<string, unknown> }
  | { kind: 'retry'; actor: string }
  | { kind: 'skip'; actor: string };

const WAITING_STATUS: Record<PendingRequest['kind'], FlowStatus> = {
  approval: 'awaiting_approval',
  input: 'awaiting_input',
  attention: 'needs_attention',
};

/** Raised by update validators; the gateway turns it into 409 with this message. */
function illegal(message: string): never {
  throw wf.ApplicationFailure.create({ type: 'IllegalTransition', message, nonRetryable: true });
}

export async function runFlow(start: FlowStartInput): Promise<FlowState> {
  const definition = FLOW_CATALOG[start.flowType];
  const now = (): string => new Date().toISOString();

  const state: FlowState = {
    flowId: wf.workflowInfo().workflowId,
    tenantId: start.tenantId,
    flowType: start.flowType,
    requestedBy: start.requestedBy,
    status: 'running',
    currentPhase: null,
    phases: definition.phases.map((p) => ({
      name: p.name,
      status: 'pending',
      runs: 0,
      startedAt: null,
      completedAt: null,
      artifactId: null,
      summary: null,
      feedback: [],
      error: null,
    })),
    pendingRequest: null,
    lastError: null,
    artifacts: {},
    options: start.options,
    input: start.input,
    startedAt: now(),
    updatedAt: now(),
    completedAt: null,
    cancelledBy: null,
  };

  let paused = false;
  let terminal: 'completed' | 'cancelled' | null = null;
  let decision: Decision | null = null;
  let published = { status: 'running' as FlowStatus, phase: '' };
  const scope = new wf.CancellationScope();

  const deriveStatus = (): FlowStatus =>
    terminal ?? (state.pendingRequest ? WAITING_STATUS[state.pendingRequest.kind] : paused ? 'paused' : 'running');

  /** Recompute status after every change and mirror it to search attributes and the Web UI's current details. */
  function publish(): void {
    state.status = deriveStatus();
    state.updatedAt = now();
    const phase = state.currentPhase ?? '';
    if (published.status !== state.status || published.phase !== phase) {
      wf.upsertSearchAttributes([
        { key: FlowStatusKey, value: state.status },
        { key: CurrentPhaseKey, value: phase },
      ]);
      published = { status: state.status, phase };
    }
    wf.setCurrentDetails(describe());
  }

  function describe(): string {
    const done = state.phases.filter((p) => p.status === 'completed' || p.status === 'skipped').length;
    const lines = [`**${definition.title}** for tenant \`${state.tenantId}\` — ${state.status}`];
    lines.push(`Progress: ${done}/${state.phases.length} phases`);
    if (state.currentPhase) lines.push(`Current phase: ${state.currentPhase}`);
    if (state.pendingRequest) lines.push(`Waiting for: ${state.pendingRequest.kind} — ${state.pendingRequest.prompt}`);
    if (state.lastError && state.status === 'needs_attention') lines.push(`Last error: ${state.lastError.message}`);
    return lines.join('\n\n');
  }

  // The workflow sandbox has no structuredClone; the state is plain JSON anyway.
  const snapshot = (): FlowState => JSON.parse(JSON.stringify(state)) as FlowState;

  function requireWaiting(kind: PendingRequest['kind'], phase: string | undefined, action: string): void {
    const pending = state.pendingRequest;
    if (terminal) illegal(`cannot ${action}: the flow is ${terminal}`);
    if (!pending || pending.kind !== kind) illegal(`cannot ${action}: the flow is ${state.status}, not ${WAITING_STATUS[kind]}`);
    if (phase !== undefined && phase !== pending.phase) {
      illegal(`cannot ${action} phase '${phase}': the flow is waiting on phase '${pending.phase}'`);
    }
  }

  function requireActor(request: Actor): void {
    if (!request || typeof request.actor !== 'string' || request.actor.trim() === '') illegal('an actor is required');
  }

  /** Hands a decision to the engine and returns the state once the engine has acted on it. */
  async function decide(d: Decision): Promise<FlowState> {
    decision = d;
    await wf.condition(() => decision === null || terminal !== null);
    return snapshot();
  }

  wf.setHandler(stateQuery, snapshot);

  wf.setHandler(
    pauseUpdate,
    () => {
      paused = true;
      publish();
      return snapshot();
    },
    {
      validator: (req) => {
        requireActor(req);
        if (state.status !== 'running') illegal(`cannot pause: the flow is ${state.status}`);
      },
    },
  );

  wf.setHandler(
    resumeUpdate,
    () => {
      paused = false;
      publish();
      return snapshot();
    },
    {
      validator: (req) => {
        requireActor(req);
        if (state.status !== 'paused') illegal(`cannot resume: the flow is ${state.status}, not paused`);
      },
    },
  );

  wf.setHandler(
    cancelUpdate,
    async (req) => {
      state.cancelledBy = req.actor;
      scope.cancel();
      await wf.condition(() => terminal !== null);
      return snapshot();
    },
    {
      validator: (req) => {
        requireActor(req);
        if (terminal) illegal(`cannot cancel: the flow is already ${terminal}`);
      },
    },
  );

  wf.setHandler(approveUpdate, (req) => decide({ kind: 'approve', actor: req.actor }), {
    validator: (req) => {
      requireActor(req);
      requireWaiting('approval', req.phase, 'approve');
    },
  });

  wf.setHandler(
    rejectUpdate,
    (req) =>
      decide({
        kind: 'reject',
        feedback: { actor: req.actor, text: req.feedback, changes: req.changes ?? null, at: now() },
      }),
    {
      validator: (req) => {
        requireActor(req);
        requireWaiting('approval', req.phase, 'reject');
        if (typeof req.feedback !== 'string' || req.feedback.trim() === '') illegal('reject needs feedback');
      },
    },
  );

  wf.setHandler(inputUpdate, (req) => decide({ kind: 'input', actor: req.actor, data: req.data }), {
    validator: (req) => {
      requireActor(req);
      requireWaiting('input', req.phase, 'submit input');
      if (!req.data || typeof req.data !== 'object') illegal('input needs a data object');
    },
  });

  wf.setHandler(retryUpdate, (req) => decide({ kind: 'retry', actor: req.actor }), {
    validator: (req) => {
      requireActor(req);
      requireWaiting('attention', undefined, 'retry');
    },
  });

  wf.setHandler(skipUpdate, (req) => decide({ kind: 'skip', actor: req.actor }), {
    validator: (req) => {
      requireActor(req);
      requireWaiting('attention', undefined, 'skip');
    },
  });

  async function awaitDecision(request: Omit<PendingRequest, 'since'>): Promise<Decision> {
    state.pendingRequest = { ...request, since: now() };
    publish();
    await wf.condition(() => decision !== null);
    const taken = decision as unknown as Decision;
    state.pendingRequest = null;
    publish();
    return taken;
  }

  /** Consumed decisions are cleared only after the engine has updated state, so the update returns the new state. */
  function settled(): void {
    decision = null;
  }

  /** A safe point: phase boundaries are where a pause takes effect. */
  async function safePoint(): Promise<void> {
    await wf.condition(() => !paused);
  }

  async function runActivity(
    phaseDef: PhaseDefinition,
    phase: PhaseState,
    humanInput: Record<string, unknown> | null,
  ): Promise<PhaseActivityResult> {
    const retry = start.options.phaseRetry;
    const activity = activities[phaseDef.activity as PhaseActivityName];
    return activity.executeWithOptions(
      {
        summary: `${phaseDef.name}: ${phaseDef.title} (run ${phase.runs})`,
        retry: {
          initialInterval: retry.initialIntervalMs,
          backoffCoefficient: 2,
          maximumInterval: '1 minute',
          maximumAttempts: retry.maximumAttempts,
          nonRetryableErrorTypes: [PhaseFailureType.invalidInput, PhaseFailureType.missingArtifact],
        },
      },
      [
        {
          tenantId: state.tenantId,
          flowId: state.flowId,
          flowType: state.flowType,
          phase: phase.name,
          run: phase.runs,
          flowInput: state.input,
          artifacts: { ...state.artifacts },
          feedback: phase.feedback,
          humanInput,
          faults: start.options.faults,
        },
      ],
    );
  }

  /**
   * Runs a phase until it succeeds or a human skips it. Exhausted retries do not fail the workflow: the phase
   * is marked failed and the flow waits in needs_attention for retry / skip / cancel.
   */
  async function runUntilDone(
    phaseDef: PhaseDefinition,
    phase: PhaseState,
    humanInput: Record<string, unknown> | null,
  ): Promise<PhaseActivityResult | null> {
    for (;;) {
      await safePoint();
      phase.runs += 1;
      phase.status = 'running';
      phase.startedAt = now();
      phase.error = null;
      state.currentPhase = phase.name;
      publish();
      try {
        return await runActivity(phaseDef, phase, humanInput);
      } catch (err) {
        if (wf.isCancellation(err)) throw err;
        const failure = err instanceof wf.ActivityFailure && err.cause ? err.cause : (err as Error);
        const type = failure instanceof wf.ApplicationFailure ? failure.type ?? null : null;
        phase.status = 'failed';
        phase.error = failure.message;
        state.lastError = { phase: phase.name, message: failure.message, type, at: now() };
        const d = await awaitDecision({
          kind: 'attention',
          phase: phase.name,
          prompt: `Phase '${phase.name}' failed after its retries: ${failure.message}. Retry or skip it, or cancel the flow.`,
        });
        if (d.kind === 'skip') {
          phase.status = 'skipped';
          phase.completedAt = now();
          settled();
          return null;
        }
        settled();
      }
    }
  }

  async function runPhase(phaseDef: PhaseDefinition, phase: PhaseState): Promise<void> {
    let humanInput: Record<string, unknown> | null = null;
    for (;;) {
      const result = await runUntilDone(phaseDef, phase, humanInput);
      if (!result) {
        publish();
        return;
      }
      phase.artifactId = result.artifactId;
      phase.summary = result.summary;
      state.artifacts[phase.name] = result.artifactId;

      const gate =
        phaseDef.gate === 'approval' ? 'approval' : phaseDef.gate === 'input_on_request' && result.inputRequest ? 'input' : null;
      if (!gate || start.options.autoApprove) {
        phase.status = 'completed';
        phase.completedAt = now();
        publish();
        return;
      }
      phase.status = 'awaiting_approval';
      const d = await awaitDecision({
        kind: gate,
        phase: phase.name,
        prompt: gate === 'input' ? `${result.inputRequest} ${phaseDef.gatePrompt ?? ''}`.trim() : phaseDef.gatePrompt ?? 'Approve or reject.',
      });
      if (d.kind === 'approve') {
        phase.status = 'completed';
        phase.completedAt = now();
        publish();
        settled();
        return;
      }
      // Reject and input both re-run the phase: feedback accumulates, the latest input replaces the previous one.
      if (d.kind === 'reject') phase.feedback.push(d.feedback);
      if (d.kind === 'input') humanInput = d.data;
      phase.status = 'pending';
      publish();
      settled();
    }
  }

  try {
    await scope.run(async () => {
      for (const [index, phaseDef] of definition.phases.entries()) {
        await runPhase(phaseDef, state.phases[index]);
      }
    });
    terminal = 'completed';
    state.currentPhase = null;
  } catch (err) {
    if (!wf.isCancellation(err)) throw err;
    terminal = 'cancelled';
    state.pendingRequest = null;
    for (const phase of state.phases) {
      if (phase.status === 'running' || phase.status === 'awaiting_approval') {
        phase.status = 'failed';
        phase.error = `cancelled${state.cancelledBy ? ` by ${state.cancelledBy}` : ''}`;
      }
    }
  }
  state.completedAt = now();
  publish();
  await wf.condition(wf.allHandlersFinished);
  return snapshot();
}
