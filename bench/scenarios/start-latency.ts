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
 * With --rounds the start path alone is measured round by round, each round in the other order than the last (as in
 * scenario 3): the side measured first right after the workers stop, or second on a server that has just taken 600
 * starts, is not always the same side. The goal is judged on the median of the rounds' p99 ratios. Before the first
 * round, both sides send starts unmeasured for a while (since stop 22; see the comment there).
 */
import type { BenchContext } from '../lib/context';
import { drain, rawShape, startPlatformFlow, startRawFlow, type Started } from '../lib/flows';
import { atFixedRate } from '../lib/open-loop';
import type { ScenarioResult } from '../lib/report';
import { median, round, summarize, type Summary } from '../lib/stats';

/** Scenario 2's fixed start rate; bench:start-path uses it too. */
export const START_RATE_PER_SECOND = 20;
const GOAL_P99_MS = 50;
const GOAL_RATIO = 1.2;

/** `seconds` of starts at the scenario's rate; the latencies of the start calls. */
export const startsFor = (seconds: number, start: () => Promise<Started>) =>
  atFixedRate(seconds * START_RATE_PER_SECOND, START_RATE_PER_SECOND, async () => (await start()).startMs);

export async function startLatency(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 5 : 30;
  const settleSeconds = ctx.quick ? 1 : 10;
  await ctx.usePlatformWorker('noop');
  const platformStart = () => startPlatformFlow(ctx, true);
  const rawStart = () => startRawFlow(ctx, rawShape(false));
  await startsFor(1, platformStart); // warm-up: connections, JIT, caches
  await startsFor(1, rawStart);
  await drain(ctx);
  const rounds = await ctx.withoutWorkers(async () => {
    // The first window after the workers stop gave its side's worst p99, whichever side it was: the platform's round 1
    // in every run of this scenario, raw's round 1 in both runs of bench:start-path (raw went first there). So both
    // sides send starts for a while first, unmeasured: neither is measured in that window.
    await startsFor(settleSeconds, rawStart);
    await startsFor(settleSeconds, platformStart);
    const measured: { platform: Summary; raw: Summary; p99Ratio: number }[] = [];
    for (let i = 0; i < ctx.rounds; i++) {
      const platformFirst = i % 2 === 0;
      const first = summarize(await startsFor(seconds, platformFirst ? platformStart : rawStart));
      const second = summarize(await startsFor(seconds, platformFirst ? rawStart : platformStart));
      const [platform, raw] = platformFirst ? [first, second] : [second, first];
      measured.push({ platform, raw, p99Ratio: platform.p99 / raw.p99 });
      console.log(
        `  round ${i + 1}: start p50 ${platform.p50.toFixed(1)} / ${raw.p50.toFixed(1)} ms, p99 ${platform.p99.toFixed(1)} / ${raw.p99.toFixed(1)} ms, ` +
          `p99 ${(platform.p99 / raw.p99).toFixed(2)}× (${platformFirst ? 'platform' : 'raw'} first)`,
      );
    }
    return measured;
  });
  const alone = {
    platform: { p50: median(rounds.map((r) => r.platform.p50)), p99: median(rounds.map((r) => r.platform.p99)) },
    raw: { p50: median(rounds.map((r) => r.raw.p50)), p99: median(rounds.map((r) => r.raw.p99)) },
    p99Ratio: median(rounds.map((r) => r.p99Ratio)),
  };
  await drain(ctx);
  const loadedPlatform = summarize(await startsFor(seconds, platformStart));
  await drain(ctx);
  const loadedRaw = summarize(await startsFor(seconds, rawStart));
  return {
    id: 2,
    name: `start-flow latency at ${START_RATE_PER_SECOND}/s${ctx.rounds > 1 ? `; start path alone: medians of ${ctx.rounds} rounds` : ''}`,
    measurements: [
      { metric: 'start p50, start path alone', unit: 'ms', platform: round(alone.platform.p50), raw: round(alone.raw.p50), goal: '', met: null },
      {
        metric: 'start p99, start path alone',
        unit: 'ms',
        platform: round(alone.platform.p99),
        raw: round(alone.raw.p99),
        goal: `≤ ${GOAL_P99_MS} ms and ≤ ${GOAL_RATIO}× raw`,
        met: alone.platform.p99 <= GOAL_P99_MS && alone.p99Ratio <= GOAL_RATIO,
      },
      { metric: "start p99, platform ÷ raw, median of the rounds' ratios", unit: '×', platform: round(alone.p99Ratio, 3), raw: null, goal: '', met: null },
      { metric: 'start p50, flows running', unit: 'ms', platform: round(loadedPlatform.p50), raw: round(loadedRaw.p50), goal: '', met: null },
      { metric: 'start p99, flows running', unit: 'ms', platform: round(loadedPlatform.p99), raw: round(loadedRaw.p99), goal: '', met: null },
    ],
    details: { ratePerSecond: START_RATE_PER_SECOND, seconds, alone: { ...alone, rounds }, loaded: { platform: loadedPlatform, raw: loadedRaw } },
  };
}
