/**
 * Scenario 2 — start-flow latency at a fixed rate of 20 starts/s (open loop: a start is sent on schedule whether or
 * not earlier ones have answered). Platform: POST /flows on the real gateway process, measured at the HTTP client.
 * Baseline: `client.workflow.start` of the raw workflow from this process. Measured twice:
 * - the start path alone, with the workers stopped (the flows wait on their queues and run afterwards): what the
 *   API adds to a start, which the goal is about;
 * - under load, with the started flows running meanwhile as they would in use. Where the machine cannot run 20
 *   flows a second (this one runs about 11 raw, 7 platform), starts queue behind a growing backlog on both sides,
 *   and that side's capacity, not its start path, sets the figure.
 * Each side's flows finish before the other side is measured, so no backlog is billed to the side measured second.
 */
import type { BenchContext } from '../lib/context';
import { drain, rawShape, startPlatformFlow, startRawFlow, type Started } from '../lib/flows';
import { atFixedRate } from '../lib/open-loop';
import type { ScenarioResult } from '../lib/report';
import { round, summarize } from '../lib/stats';

const RATE_PER_SECOND = 20;
const GOAL_P99_MS = 50;
const GOAL_RATIO = 1.2;

/** `seconds` of starts at the scenario's rate; the latencies of the start calls. */
const startsFor = (seconds: number, start: () => Promise<Started>) =>
  atFixedRate(seconds * RATE_PER_SECOND, RATE_PER_SECOND, async () => (await start()).startMs);

export async function startLatency(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 5 : 30;
  await ctx.usePlatformWorker('noop');
  const platformStart = () => startPlatformFlow(ctx, true);
  const rawStart = () => startRawFlow(ctx, rawShape(false));
  await startsFor(1, platformStart); // warm-up: connections, JIT, caches
  await startsFor(1, rawStart);
  await drain(ctx);
  const alone = await ctx.withoutWorkers(async () => ({
    platform: summarize(await startsFor(seconds, platformStart)),
    raw: summarize(await startsFor(seconds, rawStart)),
  }));
  await drain(ctx);
  const loadedPlatform = summarize(await startsFor(seconds, platformStart));
  await drain(ctx);
  const loadedRaw = summarize(await startsFor(seconds, rawStart));
  return {
    id: 2,
    name: `start-flow latency at ${RATE_PER_SECOND}/s`,
    measurements: [
      { metric: 'start p50, start path alone', unit: 'ms', platform: round(alone.platform.p50), raw: round(alone.raw.p50), goal: '', met: null },
      {
        metric: 'start p99, start path alone',
        unit: 'ms',
        platform: round(alone.platform.p99),
        raw: round(alone.raw.p99),
        goal: `≤ ${GOAL_P99_MS} ms and ≤ ${GOAL_RATIO}× raw`,
        met: alone.platform.p99 <= GOAL_P99_MS && alone.platform.p99 / alone.raw.p99 <= GOAL_RATIO,
      },
      { metric: 'start p50, flows running', unit: 'ms', platform: round(loadedPlatform.p50), raw: round(loadedRaw.p50), goal: '', met: null },
      { metric: 'start p99, flows running', unit: 'ms', platform: round(loadedPlatform.p99), raw: round(loadedRaw.p99), goal: '', met: null },
    ],
    details: { ratePerSecond: RATE_PER_SECOND, seconds, alone, loaded: { platform: loadedPlatform, raw: loadedRaw } },
  };
}
