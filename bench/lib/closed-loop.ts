/**
 * Closed-loop load: `concurrency` workers each run one item after another until a deadline, as a fixed number of
 * users in flight would. It measures the system's capacity (completions per second), not latency at a given load
 * (see open-loop.ts for that).
 */

/** Runs `runOne` in `concurrency` loops until `endMs` (performance.now() time); the completion times, in order. */
export async function closedLoop(concurrency: number, endMs: number, runOne: () => Promise<void>): Promise<number[]> {
  const completions: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endMs) {
        await runOne();
        completions.push(performance.now());
      }
    }),
  );
  return completions;
}
