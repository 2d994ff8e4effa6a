/**
 * Where an approval's time went, read from the flow's history: the server stamps the workflow task that accepted
 * the update (scheduled, started, completed), and the load generator knows when it sent the request and when the
 * answer came back. All on one machine, so the clocks agree. Splits an approval into:
 *   - toServer: request sent → workflow task scheduled (gateway, retries, the server taking the update);
 *   - queued:   scheduled → started (waiting for the worker to poll the task and take it);
 *   - inWorker: started → completed (the worker's activation, codec and reply);
 *   - back:     completed → answer received (the server finishing the update, the way back).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { round } from './stats';

const { EventType } = temporal.api.enums.v1;

export interface ApprovalTiming {
  sentAtMs: number;
  latencyMs: number;
}

export interface ApprovalTimeline {
  toServer: number;
  queued: number;
  inWorker: number;
  back: number;
}

function eventMs(event: temporal.api.history.v1.IHistoryEvent): number {
  const { seconds, nanos } = event.eventTime ?? {};
  return Number(seconds ?? 0) * 1000 + (nanos ?? 0) / 1e6;
}

export async function approvalTimeline(client: Client, workflowId: string, timing: ApprovalTiming): Promise<ApprovalTimeline | null> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const accepted = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  // The task that accepted the update: its Completed, Started and Scheduled events precede the acceptance.
  const [scheduled, started, completed] = [accepted - 3, accepted - 2, accepted - 1].map((i) => events[i]);
  if (
    accepted < 3 ||
    scheduled.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED ||
    started.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED ||
    completed.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
  ) {
    return null;
  }
  const answeredAt = timing.sentAtMs + timing.latencyMs;
  return {
    toServer: eventMs(scheduled) - timing.sentAtMs,
    queued: eventMs(started) - eventMs(scheduled),
    inWorker: eventMs(completed) - eventMs(started),
    back: answeredAt - eventMs(completed),
  };
}

/**
 * The mean timeline of the slowest 1 % of approvals and of the median 1 % (those around p50), each side's; the
 * approvals whose accepting task cannot be found (none expected) are counted, not guessed at.
 */
export async function approvalTimelines(client: Client, ids: string[], timings: ApprovalTiming[]) {
  const order = timings.map((t, i) => ({ i, latency: t.latencyMs })).sort((a, b) => a.latency - b.latency);
  const share = Math.max(1, Math.round(ids.length / 100));
  const middle = Math.max(0, Math.floor(order.length / 2 - share / 2));
  const summarize = async (picked: typeof order) => {
    const lines = await Promise.all(picked.map(({ i }) => approvalTimeline(client, ids[i], timings[i])));
    const found = lines.filter((l): l is ApprovalTimeline => l !== null);
    const mean = (key: keyof ApprovalTimeline) => (found.length ? round(found.reduce((s, l) => s + l[key], 0) / found.length) : null);
    return { approvals: picked.length, unexplained: picked.length - found.length, meanMs: { toServer: mean('toServer'), queued: mean('queued'), inWorker: mean('inWorker'), back: mean('back') } };
  };
  return { slowest: await summarize(order.slice(-share)), median: await summarize(order.slice(middle, middle + share)) };
}
