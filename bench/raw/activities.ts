/** The baseline's phase activity: does nothing, so the baseline measures Temporal alone. */
export const rawActivities = {
  async rawPhase(phase: number): Promise<number> {
    return phase;
  },
};

export type RawActivities = typeof rawActivities;
