/**
 * The audit trail of a flow, read from its Temporal history (the record of what happened) and decrypted with the
 * payload codec: who started it and every control message with its actor, every phase activity started,
 * completed or failed with its reason, and how the flow ended.
 */
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { FlowStartInput } from '../workflows/messages';

export interface AuditEntry {
  at: string;
  kind: 'flow' | 'control' | 'phase';
  action: string;
  actor: string | null;
  phase: string | null;
  detail: string | null;
}

const EventType = temporal.api.enums.v1.EventType;

export class AuditTrail {
  constructor(
    private readonly client: Client,
    private readonly codec: PayloadCodec,
  ) {}

  private async value<T>(payload: Payload | null | undefined): Promise<T | null> {
    if (!payload) return null;
    const [decoded] = await this.codec.decode([payload]);
    return defaultPayloadConverter.fromPayload<T>(decoded);
  }

  /** Failure messages travel as encoded attributes (so they are encrypted); fall back to the plain message. */
  private async failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): Promise<string | null> {
    if (!failure) return null;
    const root = failure.cause ?? failure;
    const attributes = await this.value<{ message?: string }>(root.encodedAttributes as Payload | undefined);
    return attributes?.message ?? root.message ?? null;
  }

  async entries(flowId: string): Promise<AuditEntry[]> {
    const history = await this.client.workflow.getHandle(flowId).fetchHistory();
    const phaseOfActivity = new Map<string, string>();
    const entries: AuditEntry[] = [];
    const at = (e: temporal.api.history.v1.IHistoryEvent) => new Date(Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6)).toISOString();

    for (const event of history.events ?? []) {
      switch (event.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
          const start = await this.value<FlowStartInput>(event.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload);
          entries.push({ at: at(event), kind: 'flow', action: 'started', actor: start?.requestedBy ?? null, phase: null, detail: start ? `${start.flowType} flow; options ${JSON.stringify({ autoApprove: start.options.autoApprove })}` : null });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
          const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
          const name = request?.input?.name ?? 'update';
          const args = await this.value<Record<string, unknown>>(request?.input?.args?.payloads?.[0] as Payload);
          const detail = [args?.feedback, args?.reason, args?.comment, args?.data && JSON.stringify(args.data), args?.changes && `changes ${JSON.stringify(args.changes)}`]
            .filter(Boolean)
            .join('; ');
          entries.push({ at: at(event), kind: 'control', action: name, actor: (args?.actor as string) ?? null, phase: (args?.phase as string) ?? null, detail: detail || null });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
          const summary = await this.value<string>(event.userMetadata?.summary as Payload | undefined);
          const phase = summary?.split(':')[0] ?? event.activityTaskScheduledEventAttributes?.activityType?.name ?? null;
          phaseOfActivity.set(String(event.eventId), phase ?? '');
          entries.push({ at: at(event), kind: 'phase', action: 'phase_started', actor: null, phase, detail: summary });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const attrs = event.activityTaskCompletedEventAttributes;
          const result = await this.value<{ summary?: string }>(attrs?.result?.payloads?.[0] as Payload);
          entries.push({ at: at(event), kind: 'phase', action: 'phase_completed', actor: null, phase: phaseOfActivity.get(String(attrs?.scheduledEventId)) ?? null, detail: result?.summary ?? null });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
          const attrs = event.activityTaskFailedEventAttributes;
          entries.push({ at: at(event), kind: 'phase', action: 'phase_failed', actor: null, phase: phaseOfActivity.get(String(attrs?.scheduledEventId)) ?? null, detail: await this.failureMessage(attrs?.failure) });
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
          const attrs = event.activityTaskTimedOutEventAttributes;
          entries.push({ at: at(event), kind: 'phase', action: 'phase_timed_out', actor: null, phase: phaseOfActivity.get(String(attrs?.scheduledEventId)) ?? null, detail: await this.failureMessage(attrs?.failure) });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
          entries.push({ at: at(event), kind: 'flow', action: 'cancel_requested', actor: event.workflowExecutionCancelRequestedEventAttributes?.identity ?? null, phase: null, detail: event.workflowExecutionCancelRequestedEventAttributes?.cause ?? null });
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
          const final = await this.value<{ status?: string }>(event.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0] as Payload);
          entries.push({ at: at(event), kind: 'flow', action: final?.status ?? 'completed', actor: null, phase: null, detail: null });
          break;
        }
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
          entries.push({ at: at(event), kind: 'flow', action: 'failed', actor: null, phase: null, detail: await this.failureMessage(event.workflowExecutionFailedEventAttributes?.failure) });
          break;
        default:
          break;
      }
    }
    return entries;
  }
}
