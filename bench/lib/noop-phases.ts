/**
 * Every phase activity of the catalog as a no-op that returns a well-formed result. A worker with these and the
 * real workflow bundle runs the real engine (state, gates, search attributes, encryption) with nothing inside the
 * phases, which is the platform's orchestration cost alone and directly comparable with the raw baseline. Agent phases
 * return their result on the first (flow-queue) try, as every phase does under the offline rules provider.
 */
import { FLOW_CATALOG } from '../../workflows/catalog';
import type { PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';

type PhaseActivity = (input: PhaseActivityInput) => Promise<PhaseActivityResult>;

async function noopPhase(input: PhaseActivityInput): Promise<PhaseActivityResult> {
  return { artifactId: `noop:${input.flowId}:${input.phase}:${input.run}`, summary: 'no-op', inputRequest: null, runbook: [] };
}

export function noopPhaseActivities(): Record<string, PhaseActivity> {
  const activities: Record<string, PhaseActivity> = {};
  for (const flow of Object.values(FLOW_CATALOG)) {
    for (const phase of flow.phases) {
      for (const name of [phase.activity, phase.runbook?.compensate, phase.runbook?.complete]) if (name) activities[name] = noopPhase;
    }
  }
  return activities;
}
