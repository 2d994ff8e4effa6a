/**
 * The phase engine every flow type runs on. A flow is its catalog entry's phases run in order; the engine owns
 * status, pause/resume at phase boundaries, human gates, needs_attention after exhausted retries, manual
 * runbooks, cancellation, chaining, search attributes and the Web UI's current details. Flow files only pick
 * their catalog entry.
 */
import * as wf from '@temporalio/workflow';
import type { PhaseActivities } from '../activities/phases';
import { FLOW_CATALOG, successorOf, type PhaseDefinition } from './catalog';
import { changeApplies, startedAtRevision } from './engine-revision';
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
  type AgentPhaseResult,
  type FlowState,
  type PendingRequest,
  type PhaseActivityInput,
  type PhaseActivityResult,
  type PhaseState,
  type RunbookProgress,
} from './messages';
import { CurrentPhaseKey, FlowStatusKey } from './search-attributes';
import { agentTaskQueue, flowStartOptions, flowWorkflowId, writesEveryPhase } from './start-options';
import type { FlowStatus } from './vocabulary';

type ActivityName = keyof PhaseActivities;

/**
 * Patch id guarding agent phases' own task queue and pause-aborts-the-model-call (added after flows were running).
 * Flows started at engine revision 1 or later take it without the patch (see engine-revision.ts).
 */
const AGENT_QUEUE_PATCH = 'agent-phases-on-agent-queue';
/** Patch id guarding agent phases' first try on the flow queue, model calls deferred (see PhaseActivityInput); revision 1 too. */
const FLOW_QUEUE_FIRST_PATCH = 'agent-phases-try-flow-queue-first';

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

const RUNBOOK_OUTCOMES = ['done', 'failed'];

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
      approvalBlockers: [],
      approvedBy: null,
    })),
    pendingRequest: null,
    lastError: null,
    artifacts: {},
    outputs: {},
    runbook: null,
    successorFlowId: null,
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
  // What the visibility store holds: the start's search attributes, so the first phase's upsert is skipped when the
  // start already named it. Read from the start event, so replay decides the same (flows started with an empty
  // CurrentPhase upsert as they always did).
  const startAttributes = wf.workflowInfo().typedSearchAttributes;
  let published = { status: startAttributes.get(FlowStatusKey) ?? 'running', phase: startAttributes.get(CurrentPhaseKey) ?? '' };
  const scope = new wf.CancellationScope();

  const deriveStatus = (): FlowStatus =>
    terminal ?? (state.pendingRequest ? WAITING_STATUS[state.pendingRequest.kind] : paused ? 'paused' : 'running');

  // Engine revision 2: search attributes are written once per workflow task, with the status the task ends in. A
  // decision passes through two statuses in one task (awaiting_approval, running, then the next phase or completed),
  // and each write is a history event and a visibility write. The SDK evaluates conditions only once the workflow's
  // microtasks have run out, that is when the task's work is done, so the wait below wakes then. Not cancellable: a
  // cancelled flow still publishes `cancelled`. Flows started earlier write at every change, as they were recorded.
  const mirrorOncePerTask = startedAtRevision() >= 2;
  let unmirrored = false;

  // With `status_changes`, a running flow publishes no phase, so moving from phase to phase writes nothing.
  const everyPhase = writesEveryPhase(start.options);

  /** Writes status and phase to the search attributes if they changed since the last write. */
  function mirrorToVisibility(): void {
    unmirrored = false;
    const phase = everyPhase || state.status !== 'running' ? state.currentPhase ?? '' : '';
    if (published.status !== state.status || published.phase !== phase) {
      wf.upsertSearchAttributes([
        { key: FlowStatusKey, value: state.status },
        { key: CurrentPhaseKey, value: phase },
      ]);
      published = { status: state.status, phase };
    }
  }

  if (mirrorOncePerTask) {
    void wf.CancellationScope.nonCancellable(async () => {
      for (;;) {
        await wf.condition(() => unmirrored);
        mirrorToVisibility();
      }
    });
  }

  /** Recompute status after every change and mirror it to search attributes and the Web UI's current details. */
  function publish(): void {
    state.status = deriveStatus();
    state.updatedAt = now();
    if (mirrorOncePerTask) unmirrored = true;
    else mirrorToVisibility();
    wf.setCurrentDetails(describe());
  }

  function describe(): string {
    const done = state.phases.filter((p) => p.status === 'completed' || p.status === 'skipped').length;
    const lines = [`**${definition.title}** for tenant \`${state.tenantId}\` — ${state.status}`];
    lines.push(`Progress: ${done}/${state.phases.length} phases`);
    if (state.currentPhase) lines.push(`Current phase: ${state.currentPhase}`);
    if (state.runbook) {
      const apps = state.runbook.applications;
      lines.push(`Runbook: ${apps.filter((a) => a.status === 'migrated').length} migrated, ${apps.filter((a) => a.status === 'rolled_back').length} rolled back, ${apps.length} applications`);
    }
    if (state.pendingRequest) lines.push(`Waiting for: ${state.pendingRequest.kind} — ${state.pendingRequest.prompt}`);
    if (state.lastError && state.status === 'needs_attention') lines.push(`Last error: ${state.lastError.message}`);
    return lines.join('\n\n');
  }

  // The workflow sandbox has no structuredClone; the state is plain JSON anyway.
  const snapshot = (): FlowState => JSON.parse(JSON.stringify(state)) as FlowState;

  const phaseDefinition = (name: string): PhaseDefinition | undefined => definition.phases.find((p) => p.name === name);
  const phaseState = (name: string): PhaseState | undefined => state.phases.find((p) => p.name === name);

  function requireWaiting(kind: PendingRequest['kind'], phase: string | undefined, action: string): PendingRequest {
    const pending = state.pendingRequest;
    if (terminal) illegal(`cannot ${action}: the flow is ${terminal}`);
    if (!pending || pending.kind !== kind) illegal(`cannot ${action}: the flow is ${state.status}, not ${WAITING_STATUS[kind]}`);
    if (phase !== undefined && phase !== pending.phase) {
      illegal(`cannot ${action} phase '${phase}': the flow is waiting on phase '${pending.phase}'`);
    }
    return pending;
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
      const pending = requireWaiting('approval', req.phase, 'approve');
      const blockers = phaseState(pending.phase)?.approvalBlockers ?? [];
      if (blockers.length) illegal(`cannot approve phase '${pending.phase}': ${blockers.join('; ')}`);
      if (phaseDefinition(pending.phase)?.approverMustDiffer && req.actor === state.requestedBy) {
        illegal(`phase '${pending.phase}' must be approved by someone other than ${state.requestedBy}, who started the flow`);
      }
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
      const pending = requireWaiting('input', req.phase, 'submit input');
      if (!req.data || typeof req.data !== 'object') illegal('input needs a data object');
      const expects = pending.expects;
      if (expects) {
        if (req.data.applicationKey !== expects.applicationKey || req.data.stepId !== expects.stepId) {
          illegal(`the runbook is waiting on step '${expects.stepId}' of application '${expects.applicationKey}'`);
        }
        if (!RUNBOOK_OUTCOMES.includes(req.data.outcome as string)) illegal(`outcome must be one of ${RUNBOOK_OUTCOMES.join(', ')}`);
      }
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

  async function awaitDecision(request: Omit<PendingRequest, 'since' | 'expects'> & { expects?: PendingRequest['expects'] }): Promise<Decision> {
    state.pendingRequest = { ...request, expects: request.expects ?? null, since: now() };
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

  /**
   * Phase and runbook-step boundaries are safe points, where a pause takes effect: `if (paused) await resumed()`.
   * Guarded at the call site because every promise a workflow creates costs the SDK a captured stack trace (for the
   * stack-trace query), and a flow that is not paused should not pay for waiting.
   */
  const resumed = (): Promise<void> => wf.condition(() => !paused);

  function activityInput(phase: PhaseState, humanInput: Record<string, unknown> | null): PhaseActivityInput {
    return {
      tenantId: state.tenantId,
      flowId: state.flowId,
      flowType: state.flowType,
      phase: phase.name,
      run: phase.runs,
      flowInput: state.input,
      artifacts: { ...state.artifacts },
      feedback: phase.feedback,
      humanInput,
      approvedBy: phase.approvedBy,
      faults: start.options.faults,
    };
  }

  function callActivity<T>(name: string, summary: string, input: object, taskQueue?: string): Promise<T> {
    const retry = start.options.phaseRetry;
    const activity = activities[name as ActivityName] as unknown as {
      executeWithOptions(options: wf.ActivityOptions, args: [object]): Promise<T>;
    };
    return activity.executeWithOptions(
      {
        summary,
        ...(taskQueue ? { taskQueue } : {}),
        retry: {
          initialInterval: retry.initialIntervalMs,
          backoffCoefficient: 2,
          maximumInterval: '1 minute',
          maximumAttempts: retry.maximumAttempts,
          nonRetryableErrorTypes: [PhaseFailureType.invalidInput, PhaseFailureType.missingArtifact],
        },
      },
      [input],
    );
  }

  /**
   * Runs an activity until it succeeds or a human skips it. Exhausted retries do not fail the workflow: the phase
   * is marked failed and the flow waits in needs_attention for retry / skip / cancel.
   */
  async function withAttention<T>(phase: PhaseState, attempt: () => Promise<T>): Promise<T | null> {
    for (;;) {
      try {
        return await attempt();
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
        settled();
        if (d.kind === 'skip') return null;
        // A retry is a new run: a fresh idempotency key, since the failed run committed nothing.
        if (paused) await resumed();
        phase.runs += 1;
        phase.status = 'running';
        phase.error = null;
        publish();
      }
    }
  }

  async function runPhaseActivity(phaseDef: PhaseDefinition, phase: PhaseState, humanInput: Record<string, unknown> | null) {
    if (paused) await resumed();
    phase.runs += 1;
    phase.status = 'running';
    phase.startedAt = now();
    phase.error = null;
    phase.approvalBlockers = [];
    state.currentPhase = phase.name;
    publish();
    const summary = () => `${phaseDef.name}: ${phaseDef.title} (run ${phase.runs})`;
    // Flows recorded before agent phases had their own queue replay on the flow queue (see README, safe deployment).
    if (phaseDef.agents?.length && changeApplies(AGENT_QUEUE_PATCH, 1)) {
      return withAttention(phase, () => runAgentPhase(phaseDef, summary(), () => activityInput(phase, humanInput)));
    }
    return withAttention(phase, () => callActivity<PhaseActivityResult>(phaseDef.activity, summary(), activityInput(phase, humanInput)));
  }

  /**
   * An agent phase can wait minutes on a model, so a pause does not wait for the boundary: it cancels the activity
   * (which aborts the in-flight request) and the phase runs again on resume. Answers already received are served
   * from the tenant's LLM cache, so the re-run pays only for what was interrupted.
   */
  async function runAgentPhase(phaseDef: PhaseDefinition, summary: string, input: () => PhaseActivityInput): Promise<PhaseActivityResult> {
    // First on the flow queue, where the activity is dispatched eagerly and no quota applies: most runs end here
    // (the offline provider, agents with nothing to ask). Only a run that must send a model request takes a slot of
    // the agent queue's rate limit. This try sends no request, so a pause simply waits for it.
    if (changeApplies(FLOW_QUEUE_FIRST_PATCH, 1)) {
      const first = await callActivity<AgentPhaseResult>(phaseDef.activity, summary, { ...input(), deferModelCalls: true });
      if (!('deferredAgent' in first)) return first;
      summary = `${summary}, asking ${first.deferredAgent}`;
    }
    const taskQueue = agentTaskQueue(wf.workflowInfo().taskQueue);
    for (;;) {
      const attemptScope = new wf.CancellationScope();
      let done = false;
      let interrupted = false;
      void wf.condition(() => paused || done).then(
        () => {
          if (done) return;
          interrupted = true;
          attemptScope.cancel();
        },
        // Cancelling the flow rejects this wait; the activity's scope, a child of the cancelled one, is cancelled
        // with it (which aborts the request), so there is nothing left to do, only a rejection not to leave unhandled.
        () => undefined,
      );
      try {
        return await attemptScope.run(() => callActivity<PhaseActivityResult>(phaseDef.activity, summary, input(), taskQueue));
      } catch (err) {
        if (!(interrupted && wf.isCancellation(err))) throw err;
        if (paused) await resumed();
      } finally {
        done = true;
      }
    }
  }

  /**
   * A manual runbook: each step that needs a human waits for an operator's confirmation (input naming the step).
   * A failed step rolls back that application only; the others go on.
   */
  async function runRunbook(phaseDef: PhaseDefinition, phase: PhaseState, prepared: PhaseActivityResult): Promise<PhaseActivityResult | null> {
    const hooks = phaseDef.runbook!;
    const progress: RunbookProgress = {
      applications: (prepared.runbook ?? []).map((app) => ({
        applicationKey: app.applicationKey,
        status: 'pending',
        steps: app.steps.map((s) => ({ id: s.id, title: s.title, status: 'pending', confirmedBy: null, note: null })),
      })),
    };
    state.runbook = progress;
    const needsHuman = new Map((prepared.runbook ?? []).flatMap((app) => app.steps.map((s) => [`${app.applicationKey}/${s.id}`, s.requiresConfirmation])));
    publish();

    for (const app of progress.applications) {
      app.status = 'in_progress';
      publish();
      for (const step of app.steps) {
        if (paused) await resumed();
        let outcome = 'done';
        let actor = 'runbook';
        let note: string | null = null;
        if (needsHuman.get(`${app.applicationKey}/${step.id}`) && !start.options.autoApprove) {
          const d = await awaitDecision({
            kind: 'input',
            phase: phase.name,
            prompt: `Confirm step '${step.title}' (${step.id}) of ${app.applicationKey}: {"applicationKey": "${app.applicationKey}", "stepId": "${step.id}", "outcome": "done" | "failed", "note": "..."}`,
            expects: { applicationKey: app.applicationKey, stepId: step.id },
          });
          if (d.kind === 'input') {
            outcome = String(d.data.outcome);
            actor = d.actor;
            note = typeof d.data.note === 'string' ? d.data.note : null;
          }
        }
        step.status = outcome === 'failed' ? 'failed' : 'done';
        step.confirmedBy = actor;
        step.note = note;
        publish();
        settled();
        if (step.status === 'failed') {
          await withAttention(phase, () =>
            callActivity(hooks.compensate, `${phase.name}: roll back ${app.applicationKey}`, {
              ...activityInput(phase, null),
              progress,
              applicationKey: app.applicationKey,
            }),
          );
          for (const s of app.steps) {
            if (s.status === 'done') s.status = 'rolled_back';
            else if (s.status === 'pending') s.status = 'skipped';
          }
          app.status = 'rolled_back';
          break;
        }
      }
      if (app.status === 'in_progress') app.status = 'migrated';
      publish();
    }
    return withAttention(phase, () =>
      callActivity<PhaseActivityResult>(hooks.complete, `${phase.name}: record the runbook outcome`, {
        ...activityInput(phase, null),
        progress,
        applicationKey: null,
      }),
    );
  }

  function complete(phase: PhaseState, status: 'completed' | 'skipped'): void {
    phase.status = status;
    phase.completedAt = now();
    publish();
  }

  async function runPhase(phaseDef: PhaseDefinition, phase: PhaseState): Promise<void> {
    // A point of no return asks before acting. Four-eyes gates are never skipped by autoApprove.
    if (phaseDef.gate === 'approval_before' && (!start.options.autoApprove || phaseDef.approverMustDiffer)) {
      if (paused) await resumed();
      state.currentPhase = phase.name;
      phase.status = 'awaiting_approval';
      const d = await awaitDecision({ kind: 'approval', phase: phase.name, prompt: phaseDef.gatePrompt ?? 'Approve to run this phase.' });
      settled();
      if (d.kind === 'reject') {
        phase.feedback.push(d.feedback);
        complete(phase, 'skipped');
        return;
      }
      if (d.kind === 'approve') phase.approvedBy = d.actor;
    }

    let humanInput: Record<string, unknown> | null = null;
    for (;;) {
      let result = await runPhaseActivity(phaseDef, phase, humanInput);
      if (result && phaseDef.runbook) result = await runRunbook(phaseDef, phase, result);
      if (!result) {
        complete(phase, 'skipped');
        return;
      }
      phase.artifactId = result.artifactId;
      phase.summary = result.summary;
      phase.approvalBlockers = result.approvalBlockers ?? [];
      state.artifacts[phase.name] = result.artifactId;
      Object.assign(state.outputs, result.outputs ?? {});

      const gate =
        phaseDef.gate === 'approval' ? 'approval' : phaseDef.gate === 'input_on_request' && result.inputRequest ? 'input' : null;
      if (!gate || (start.options.autoApprove && !phase.approvalBlockers.length)) {
        complete(phase, 'completed');
        return;
      }
      phase.status = 'awaiting_approval';
      const blockers = phase.approvalBlockers.length ? ` Blocked: ${phase.approvalBlockers.join('; ')}` : '';
      const d = await awaitDecision({
        kind: gate,
        phase: phase.name,
        prompt: gate === 'input' ? `${result.inputRequest} ${phaseDef.gatePrompt ?? ''}`.trim() : `${phaseDef.gatePrompt ?? 'Approve or reject.'}${blockers}`,
      });
      if (d.kind === 'approve') {
        phase.approvedBy = d.actor;
        complete(phase, 'completed');
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

  /** Workflow-level chaining: the successor starts as an abandoned child, so it outlives this flow. */
  async function startSuccessor(): Promise<void> {
    const chain = start.options.chain;
    const link = chain && successorOf(start.flowType, chain.flowType);
    if (!chain || !link) return;
    const successor: FlowStartInput = {
      tenantId: state.tenantId,
      flowType: chain.flowType,
      requestedBy: state.requestedBy,
      input: { ...chain.input, [link.inputKey]: state.flowId, inventoryFlowId: state.input.inventoryFlowId ?? state.flowId },
      options: { ...start.options, chain: null },
    };
    const workflowId = flowWorkflowId(state.tenantId, chain.flowType, wf.uuid4());
    await wf.startChild(FLOW_CATALOG[chain.flowType].workflowType, {
      workflowId,
      args: [successor],
      parentClosePolicy: wf.ParentClosePolicy.ABANDON,
      ...flowStartOptions(successor, startedAtRevision()),
    });
    state.successorFlowId = workflowId;
  }

  try {
    await scope.run(async () => {
      for (const [index, phaseDef] of definition.phases.entries()) {
        await runPhase(phaseDef, state.phases[index]);
      }
    });
    terminal = 'completed';
    state.currentPhase = null;
    await startSuccessor();
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
  // The flow may end in this task, before the once-per-task write would wake: the terminal status is written now.
  mirrorToVisibility();
  // Emitted by the worker's Prometheus exporter; workflow metrics are skipped during replay, so each counts once.
  wf.metricMeter
    .createCounter('mfo_flows_ended', 'flows', 'Flows that reached a terminal status, by flow type and status')
    .add(1, { flow_type: state.flowType, status: state.status });
  await wf.condition(wf.allHandlersFinished);
  return snapshot();
}
