/**
 * The raw-Temporal baseline: a plain workflow of the same shape as a platform flow (N phases in sequence, an
 * optional approval gate after one of them), each phase a no-op activity with the engine's activity options.
 * No search attributes (but a marker when parked at the gate), no state object, no encryption: what Temporal itself
 * costs for that shape.
 * Bundled on its own and run on its own task queue.
 */
import * as wf from '@temporalio/workflow';
import { FlowStatusKey } from '../../workflows/search-attributes';
import type { RawActivities } from './activities';
import type { RawAgentActivities } from './agent-activities';

const { rawPhase } = wf.proxyActivities<RawActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

export interface RawFlowInput {
  phases: number;
  /** 1-based phase after which the flow waits for the `approve` update; null = no gate. */
  gateAfter: number | null;
}

export const rawApproveUpdate = wf.defineUpdate<number, []>('approve');

export async function rawFlow(input: RawFlowInput): Promise<number> {
  let approved = false;
  let resumedAt = -1;
  // Like the platform's approve, the update returns once the flow has acted on it, not merely recorded it.
  wf.setHandler(rawApproveUpdate, async () => {
    approved = true;
    await wf.condition(() => resumedAt >= 0);
    return resumedAt;
  });
  for (let phase = 1; phase <= input.phases; phase++) {
    await rawPhase(phase);
    if (phase === input.gateAfter) {
      // One visibility write per gated flow, so the harness can count parked flows as it counts the platform's
      // (reading every flow's history instead loaded the server it measures). Only scenario 4 gates, and it times
      // the approvals, not the parking.
      wf.upsertSearchAttributes([{ key: FlowStatusKey, value: 'awaiting_approval' }]);
      await wf.condition(() => approved);
      resumedAt = phase;
    }
  }
  await wf.condition(wf.allHandlersFinished);
  return input.phases;
}

export interface RawAgentFlowInput extends RawFlowInput {
  /** 1-based phases that call the model (on `agentQueue`); the others are no-ops, as in rawFlow. */
  agentPhases: number[];
  /** The rate-limited queue the model calls run on, as the platform's agent phases do. */
  agentQueue: string;
}

/**
 * The baseline of scenario 6: the raw flow's shape, with some phases calling the model endpoint directly from a
 * plain activity on a rate-limited queue. The queue is the run's choice, so it is proxied here rather than at
 * module level.
 */
export async function rawAgentFlow(input: RawAgentFlowInput): Promise<number> {
  const { rawModelCall } = wf.proxyActivities<RawAgentActivities>({
    taskQueue: input.agentQueue,
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
  });
  for (let phase = 1; phase <= input.phases; phase++) {
    if (input.agentPhases.includes(phase)) await rawModelCall(phase);
    else await rawPhase(phase);
  }
  return input.phases;
}
