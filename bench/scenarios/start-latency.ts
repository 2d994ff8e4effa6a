/**
 * Scenario 2 — start-flow latency at a fixed rate of 20 starts/s (open loop: a start is sent on schedule whether or
 * not earlier ones have answered). Platform: POST /flows on the real gateway process, measured at the HTTP client.
 * Baseline: `client.workflow.start` of the raw workflow from this process. The started flows run to completion
 * on their workers meanwhile, as they would in use; the other side's flows do not.
 */
import type { BenchContext } from '../lib/context';
import { drain, rawShape, startPlatformFlow, startRawFlow, type Started } from '../lib/flows';
import type { ScenarioResult } from '../lib/report';
import { round, summarize } from '../lib/stats';

const RATE_PER_SECOND = 20;
const GOAL_P99_MS = 50;
const GOAL_RATIO = 1.2;

async function atFixedRate(seconds: number, start: () => Promise<Started>): Promise<number[]> {
  const interval = 1000 / RATE_PER_SECOND;
  const samples: number[] = [];
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < seconds * RATE_PER_SECOND; i++) {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(start().then((s) => void samples.push(s.startMs)));
  }
  await Promise.all(inFlight);
  return samples;
}

export async function startLatency(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 5 : 30;
  await ctx.usePlatformWorker('noop');
  const platformStart = () => startPlatformFlow(ctx, true);
  const rawStart = () => startRawFlow(ctx, rawShape(false));
  await atFixedRate(1, platformStart); // warm-up: connections, JIT, caches
  await atFixedRate(1, rawStart);
  await drain(ctx);
  const platform = summarize(await atFixedRate(seconds, platformStart));
  // Each side's flows finish before the other is measured: on this machine 20 starts/s outruns both sides' flow
  // throughput, and a backlog left running would be billed to the side measured second.
  await drain(ctx);
  const raw = summarize(await atFixedRate(seconds, rawStart));
  return {
    id: 2,
    name: `start-flow latency at ${RATE_PER_SECOND}/s`,
    measurements: [
      { metric: 'start p50', unit: 'ms', platform: round(platform.p50), raw: round(raw.p50), goal: '', met: null },
      {
        metric: 'start p99',
        unit: 'ms',
        platform: round(platform.p99),
        raw: round(raw.p99),
        goal: `≤ ${GOAL_P99_MS} ms and ≤ ${GOAL_RATIO}× raw`,
        met: platform.p99 <= GOAL_P99_MS && platform.p99 / raw.p99 <= GOAL_RATIO,
      },
    ],
    details: { ratePerSecond: RATE_PER_SECOND, seconds, platform, raw },
  };
}
