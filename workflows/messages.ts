/**
 * The flow's public contract: start input, the state a query returns, and the control updates. Imported by
 * the gateway and the worker alike, so a message has exactly one definition.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FlowType } from './catalog';
import type { FlowStatus, PhaseStatus, VisibilityUpdates } from './vocabulary';

export interface PhaseRetryOptions {
  maximumAttempts: number;
  initialIntervalMs: number;
}

/**
 * Chaos testing, only honoured when the worker runs with MFO_FAULT_INJECTION=true (the test suite does):
 * `error` fails every attempt of a phase's first `failRuns` runs with a retryable error; `crash_after_llm_call`
 * kills the worker process on the first attempt right after a model answer was recorded, before the artifact.
 */
export const FAULT_KINDS = ['error', 'crash_after_llm_call'] as const;
export interface FaultInjection {
  phase: string;
  failRuns: number;
  kind: (typeof FAULT_KINDS)[number];
}

/** Start the natural successor when this flow completes (workflow-level chaining). */
export interface ChainOption {
  flowType: FlowType;
  /** The successor's own input, already validated and defaulted by the gateway; the link to this flow is added. */
  input: Record<string, unknown>;
}

export interface FlowOptions {
  autoApprove: boolean;
  phaseRetry: PhaseRetryOptions;
  faults: FaultInjection[];
  chain: ChainOption | null;
  /** Set by the gateway on every start (MFO_VISIBILITY_UPDATES unless the request names one); absent in flows started before it existed, which write every phase. */
  visibilityUpdates?: VisibilityUpdates;
}

export interface FlowStartInput {
  tenantId: string;
  flowType: FlowType;
  requestedBy: string;
  /** Flow-specific input, validated by the gateway (e.g. Discovery: `{ importId }`). */
  input: Record<string, unknown>;
  options: FlowOptions;
}

export interface Feedback {
  actor: string;
  text: string;
  /** Structured edits accompanying the feedback (e.g. column → canonical field for field_mapping). */
  changes: Record<string, unknown> | null;
  at: string;
}

export interface PhaseState {
  name: string;
  status: PhaseStatus;
  /** How many times the phase has been (re)run: reject-with-feedback, submitted input and retry each add one. */
  runs: number;
  startedAt: string | null;
  completedAt: string | null;
  artifactId: string | null;
  summary: string | null;
  feedback: Feedback[];
  error: string | null;
  /** Reasons the phase's result may not be approved as it stands (e.g. an edited wave plan that breaks a dependency). */
  approvalBlockers: string[];
  approvedBy: string | null;
}

/** A runbook step the flow waits on; input must name exactly this step. */
export interface ExpectedStep {
  applicationKey: string;
  stepId: string;
}

export interface PendingRequest {
  kind: 'approval' | 'input' | 'attention';
  phase: string;
  prompt: string;
  since: string;
  expects: ExpectedStep | null;
}

export const RUNBOOK_STEP_STATUSES = ['pending', 'done', 'failed', 'rolled_back', 'skipped'] as const;
export type RunbookStepStatus = (typeof RUNBOOK_STEP_STATUSES)[number];

export interface RunbookProgress {
  applications: {
    applicationKey: string;
    status: 'pending' | 'in_progress' | 'migrated' | 'rolled_back';
    steps: { id: string; title: string; status: RunbookStepStatus; confirmedBy: string | null; note: string | null }[];
  }[];
}

export interface FlowError {
  phase: string;
  message: string;
  type: string | null;
  at: string;
}

export interface FlowState {
  flowId: string;
  tenantId: string;
  flowType: FlowType;
  requestedBy: string;
  status: FlowStatus;
  currentPhase: string | null;
  phases: PhaseState[];
  pendingRequest: PendingRequest | null;
  lastError: FlowError | null;
  /** Latest artifact id per completed phase (claim check: the artifacts themselves live in the database). */
  artifacts: Record<string, string>;
  /** Small scalar results phases publish for successors and programmes (e.g. planning's waveCount). */
  outputs: Record<string, string | number | boolean>;
  /** Progress of a manual runbook phase, step by step. */
  runbook: RunbookProgress | null;
  /** Flow started by workflow-level chaining when this one completed. */
  successorFlowId: string | null;
  options: FlowOptions;
  input: Record<string, unknown>;
  startedAt: string;
  updatedAt: string;
  completedAt: string | null;
  cancelledBy: string | null;
}

/** Who sent a control message. The gateway fills it from the caller's identity. */
export interface Actor {
  actor: string;
}

export interface ApproveRequest extends Actor {
  phase?: string;
  comment?: string;
}
export interface RejectRequest extends Actor {
  phase?: string;
  feedback: string;
  changes?: Record<string, unknown>;
}
export interface InputRequest extends Actor {
  phase?: string;
  data: Record<string, unknown>;
}
export interface CancelRequest extends Actor {
  reason?: string;
}

export const stateQuery = defineQuery<FlowState>('state');

export const pauseUpdate = defineUpdate<FlowState, [Actor]>('pause');
export const resumeUpdate = defineUpdate<FlowState, [Actor]>('resume');
export const cancelUpdate = defineUpdate<FlowState, [CancelRequest]>('cancel');
export const approveUpdate = defineUpdate<FlowState, [ApproveRequest]>('approve');
export const rejectUpdate = defineUpdate<FlowState, [RejectRequest]>('reject');
export const inputUpdate = defineUpdate<FlowState, [InputRequest]>('input');
export const retryUpdate = defineUpdate<FlowState, [Actor]>('retry');
export const skipUpdate = defineUpdate<FlowState, [Actor]>('skip');

/** The input and result every phase activity shares, so the engine can run any phase of any flow. */
export interface PhaseActivityInput {
  tenantId: string;
  flowId: string;
  flowType: FlowType;
  phase: string;
  run: number;
  flowInput: Record<string, unknown>;
  artifacts: Record<string, string>;
  feedback: Feedback[];
  humanInput: Record<string, unknown> | null;
  /** Who approved this phase at a before-gate (points of no return record it). */
  approvedBy: string | null;
  faults: FaultInjection[];
  /**
   * An agent phase's first try, on the flow queue: if its agent would have to send a model request (one the tenant's
   * LLM cache cannot answer), the phase stops before sending it, stores nothing and returns `ModelCallDeferred`; the
   * engine then runs it on the agent queue, whose rate limit is the provider quota. Phases whose agents have nothing
   * to ask or find every answer cached (and every phase under the offline rules provider) never leave the flow queue.
   * Absent on flows recorded before this existed.
   */
  deferModelCalls?: boolean;
}

/** What an agent phase run with `deferModelCalls` returns instead of its result when a model must be asked. */
export interface ModelCallDeferred {
  deferredAgent: string;
}

/** What a phase that consults an agent returns. */
export type AgentPhaseResult = PhaseActivityResult | ModelCallDeferred;

export interface PhaseActivityResult {
  artifactId: string;
  summary: string;
  /** Set when the phase needs a human's input before the flow may go on (gate `input_on_request`). */
  inputRequest: string | null;
  approvalBlockers?: string[];
  outputs?: Record<string, string | number | boolean>;
  /** For runbook phases: the steps, in order, an operator confirms one by one. */
  runbook?: { applicationKey: string; steps: { id: string; title: string; requiresConfirmation: boolean }[] }[];
}

/** What a runbook phase's compensation and completion activities receive. */
export interface RunbookActivityInput extends PhaseActivityInput {
  progress: RunbookProgress;
  applicationKey: string | null;
}

export type PhaseActivity = (input: PhaseActivityInput) => Promise<PhaseActivityResult>;

/** ApplicationFailure types raised by phase activities; non-retryable ones go straight to needs_attention. */
export const PhaseFailureType = {
  invalidInput: 'InvalidPhaseInput',
  missingArtifact: 'MissingArtifact',
  injectedFault: 'InjectedFault',
  /** The model endpoint said 429; retried after its Retry-After (capped). */
  llmRateLimited: 'LlmRateLimited',
  /** 5xx, a timeout, a reset connection or an unparseable body: retried with backoff. */
  llmUnavailable: 'LlmUnavailable',
  /** 400/401/403/404/422: retrying the same request cannot help. */
  llmRequestRejected: 'LlmRequestRejected',
  /** The answer failed its schema (or was cut off) twice: once as given and once after a repair request. */
  llmInvalidOutput: 'LlmInvalidOutput',
  /** The call would take the tenant over its monthly LLM budget, so it was not made. */
  llmBudgetExceeded: 'LlmBudgetExceeded',
} as const;
