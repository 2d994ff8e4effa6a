/** Every phase activity of every flow type, built once per worker with its dependencies. */
import type { ActivityDeps } from '../deps';
import { createAssessmentPhases } from './assessment';
import { createDecommissionPhases } from './decommission';
import { createDiscoveryPhases } from './discovery';
import { createExecutionPhases } from './execution';
import { createFinopsPhases } from './finops';
import { createModernizePhases } from './modernize';
import { createObservabilityPhases } from './observability';
import { createPlanningPhases } from './planning';

export function createPhaseActivities(deps: ActivityDeps) {
  return {
    ...createDiscoveryPhases(deps),
    ...createAssessmentPhases(deps),
    ...createPlanningPhases(deps),
    ...createExecutionPhases(deps),
    ...createModernizePhases(deps),
    ...createFinopsPhases(deps),
    ...createObservabilityPhases(deps),
    ...createDecommissionPhases(deps),
  };
}

export type PhaseActivities = ReturnType<typeof createPhaseActivities>;
