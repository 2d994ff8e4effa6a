/**
 * Open-loop load: requests are sent on a fixed schedule whether or not earlier ones have answered, as independent
 * users would send them. A closed loop (N requests in flight, the next sent when one answers) measures N divided
 * by the system's throughput rather than the latency a request sees at a given load.
 */

/**
 * Sends `count` requests at `ratePerSecond`; each `send` resolves to the latency it measured, in ms. A failed
 * request fails the whole measurement once every request has settled (failures are caught as they happen: one
 * left unhandled while later requests are still being sent would kill the process, as it did once).
 */
export async function atFixedRate(count: number, ratePerSecond: number, send: (index: number) => Promise<number>): Promise<number[]> {
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  const failures: unknown[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i).then((ms) => void latencies.push(ms), (err: unknown) => void failures.push(err)));
  }
  await Promise.all(inFlight);
  if (failures.length) throw new AggregateError(failures, `${failures.length} of ${count} requests failed; the first: ${(failures[0] as Error).message}`);
  return latencies;
}
