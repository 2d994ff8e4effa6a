/** Every phase activity of every flow type, built once per worker with its dependencies. */
import type { ActivityDeps } from '../deps';
import { createDiscoveryPhases } from './discovery';

export function createPhaseActivities(deps: ActivityDeps) {
  return {
    ...createDiscoveryPhases(deps),
  };
}

export type PhaseActivities = ReturnType<typeof createPhaseActivities>;
