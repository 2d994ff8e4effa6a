/**
 * The gateway's only door to Temporal: start, list, query and control flows, always scoped to one tenant.
 * A flow of another tenant is indistinguishable from a flow that does not exist (404).
 */
import { randomUUID } from 'node:crypto';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import createHttpError from 'http-errors';
import { FLOW_CATALOG, isFlowType, type FlowType } from '../workflows/catalog';
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
  type FlowStartInput,
  type FlowState,
} from '../workflows/messages';
import { CurrentPhaseKey, FlowStatusKey, FlowTypeKey } from '../workflows/search-attributes';
import { flowStartOptions, flowWorkflowId } from '../workflows/start-options';
import type { FlowStatus } from '../workflows/vocabulary';
import type { ControlAction } from './schemas';
import type { GatewayMetrics } from './metrics';
import { workflowState } from './workflow-state';
import { temporalDeadlineExceeded } from './problems';

export interface FlowSummary {
  flowId: string;
  flowType: FlowType | null;
  status: FlowStatus | null;
  currentPhase: string | null;
  temporalStatus: string;
  startedAt: string;
  closedAt: string | null;
}

const UPDATES = {
  pause: pauseUpdate,
  resume: resumeUpdate,
  cancel: cancelUpdate,
  approve: approveUpdate,
  reject: rejectUpdate,
  input: inputUpdate,
  retry: retryUpdate,
  skip: skipUpdate,
} as const;

export class FlowService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly metrics: GatewayMetrics,
    private readonly timeouts: { controlMs: number; temporalMs: number },
  ) {}

  /** A new flow id for a start, with the tenant and flow type in it. */
  newFlowId(tenantId: string, flowType: FlowType): string {
    return flowWorkflowId(tenantId, flowType, randomUUID());
  }

  /** Starts a flow under this id (see startWorkflow for a keyed start). */
  async start(args: FlowStartInput, flowId: string, keyed: boolean): Promise<{ flowId: string; runId: string }> {
    const { runId, started } = await startWorkflow(
      this.client,
      FLOW_CATALOG[args.flowType].workflowType,
      { taskQueue: this.taskQueue, workflowId: flowId, args: [args], ...flowStartOptions(args) },
      { keyed, timeoutMs: this.timeouts.temporalMs },
    );
    if (started) this.metrics.flowsStarted.inc({ flow_type: args.flowType });
    return { flowId, runId };
  }

  /** The run of an existing flow of this tenant, or null if there is none. */
  existingRun(tenantId: string, flowId: string): Promise<string | null> {
    return existingRunOf(this.handle(tenantId, flowId));
  }

  async list(tenantId: string, filter: { type?: FlowType; status?: FlowStatus; limit: number }): Promise<FlowSummary[]> {
    // Values come from zod enums and the tenant slug pattern, so they are safe to embed in the query.
    const clauses = [`TenantId = '${tenantId}'`];
    if (filter.type) clauses.push(`FlowType = '${filter.type}'`);
    if (filter.status) clauses.push(`FlowStatus = '${filter.status}'`);
    const flows: FlowSummary[] = [];
    for await (const info of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(filter.limit, 1000) })) {
      flows.push(summarise(info));
      if (flows.length >= filter.limit) break;
    }
    return flows;
  }

  /** The flow's state: its result once it has completed (no worker needed), else a query (see workflowState). */
  async state(tenantId: string, flowId: string): Promise<FlowState> {
    const handle = this.handle(tenantId, flowId);
    try {
      const state = await workflowState(handle, stateQuery);
      if (state.tenantId !== tenantId) throw notFound(flowId);
      return state;
    } catch (err) {
      throw translate(err, flowId);
    }
  }

  /**
   * Sends a control update. Every update gets an id (the caller's Idempotency-Key, or a fresh one), so the retry
   * below is safe: the server applies an update id at most once. The flow must act on it within the control
   * timeout; if it does not (its workers are down or overwhelmed), the server still holds the update, which may
   * take effect later, and the caller is told the id to ask again with.
   */
  async control(tenantId: string, flowId: string, action: ControlAction, request: object, idempotencyKey?: string): Promise<FlowState> {
    const handle = this.handle(tenantId, flowId);
    const updateId = idempotencyKey ?? randomUUID();
    const deadline = Date.now() + this.timeouts.controlMs;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const state = await this.client.withDeadline(deadline, () =>
            handle.executeUpdate(UPDATES[action] as typeof pauseUpdate, { args: [request as never], updateId }),
          );
          this.metrics.controlMessages.inc({ action, outcome: 'accepted' });
          return state;
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) this.metrics.controlMessages.inc({ action, outcome: 'rejected' });
          // An update that lands in a workflow task the server then rejects (e.g. an activity finished during it)
          // fails with FAILED_PRECONDITION; it was not applied, so offering it again is correct.
          if (!isTransientUpdateFailure(err) || attempt >= UPDATE_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Updates cannot reach a closed flow; tell the caller why instead of pretending it is missing.
        const description = await handle.describe().catch(() => null);
        if (description) throw createHttpError(409, `cannot ${action}: the flow is closed (${description.status.name.toLowerCase()})`);
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        this.metrics.controlMessages.inc({ action, outcome: 'unconfirmed' });
        throw createHttpError(
          503,
          `the ${action} was not confirmed within ${this.timeouts.controlMs / 1000} s: the flow's workers may be down or busy, or Temporal unreachable. ` +
            `It may still take effect; to learn its outcome without sending it twice, retry with the header Idempotency-Key: ${updateId}`,
          { expose: true, headers: { 'retry-after': '5', 'idempotency-key': updateId } },
        );
      }
      throw translate(err, flowId);
    }
  }

  private handle(tenantId: string, flowId: string) {
    const [owner, type] = flowId.split('.');
    if (owner !== tenantId || !type || !isFlowType(type)) throw notFound(flowId);
    return this.client.workflow.getHandle(flowId);
  }
}

/**
 * Starts a workflow, waiting at most `timeoutMs` for Temporal to confirm it. A keyed start (FlowStartKeys.start)
 * may be a retry of an earlier attempt, so for it an id that already has a workflow, running or closed, is not an
 * error: the answer is that workflow's run, and nothing new is started (REJECT_DUPLICATE: never a second run under
 * a keyed id, even after the first has closed). A start Temporal did not confirm in time may still have been
 * recorded: the 503 says so, and how to find out.
 */
export async function startWorkflow(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions,
  { keyed, timeoutMs }: { keyed: boolean; timeoutMs: number },
): Promise<{ runId: string; started: boolean }> {
  try {
    const handle = await client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.start(workflowType, { ...options, ...(keyed ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}) }),
    );
    return { runId: handle.firstExecutionRunId, started: true };
  } catch (err) {
    if (keyed && err instanceof WorkflowExecutionAlreadyStartedError) {
      return { runId: (await client.workflow.getHandle(options.workflowId).describe()).runId, started: false };
    }
    if (temporalDeadlineExceeded(err)) throw unconfirmedStart(options.workflowId, keyed, timeoutMs);
    throw err;
  }
}

function unconfirmedStart(workflowId: string, keyed: boolean, timeoutMs: number) {
  const next = keyed
    ? 'retry with the same Idempotency-Key: you get it if it was started, and it is started if not, never twice'
    : `GET it before starting again (a retry would be a second flow), and send starts with an Idempotency-Key to retry them safely`;
  return createHttpError(503, `Temporal did not confirm the start of ${workflowId} within ${timeoutMs / 1000} s; it may have been recorded. To find out, ${next}`, {
    expose: true,
    headers: { 'retry-after': '5' },
  });
}

/** The run of the workflow under this handle's id, or null if there is none (what a keyed start asks first). */
export async function existingRunOf(handle: WorkflowHandle): Promise<string | null> {
  try {
    return (await handle.describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

const UPDATE_ATTEMPTS = 5;

function isTransientUpdateFailure(err: unknown): boolean {
  return err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === GrpcStatus.FAILED_PRECONDITION;
}

function notFound(flowId: string) {
  return createHttpError(404, `flow ${flowId} not found`);
}

function translate(err: unknown, flowId: string): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound(flowId);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return createHttpError(409, err.cause.message);
  }
  return err;
}

function summarise(info: WorkflowExecutionInfo): FlowSummary {
  const attrs = info.typedSearchAttributes;
  const flowType = attrs.get(FlowTypeKey) ?? null;
  return {
    flowId: info.workflowId,
    flowType: flowType && isFlowType(flowType) ? flowType : null,
    status: (attrs.get(FlowStatusKey) as FlowStatus | undefined) ?? null,
    currentPhase: attrs.get(CurrentPhaseKey) || null,
    temporalStatus: info.status.name,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}
