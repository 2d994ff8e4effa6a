/**
 * Scenario 3 — sustained throughput of complete flows. A closed loop keeps CONCURRENCY flows in flight (start,
 * wait for the result, start the next) for the measured window after a warm-up; completions inside the window
 * count. The platform runs 6-phase Discovery flows on no-op phases (no catalog flow has 8 phases), the baseline
 * the same shape; the baseline's rate is the raw ceiling of this server and machine.
 */
import type { BenchContext } from '../lib/context';
import { PLATFORM_PHASES, platformResult, rawResult, rawShape, startPlatformFlow, startRawFlow } from '../lib/flows';
import type { ScenarioResult } from '../lib/report';
import { closedLoop } from '../lib/closed-loop';
import { cpuDuring, cpuMsPer } from '../lib/cpu';
import { median, round } from '../lib/stats';

const CONCURRENCY = 64;
const GOAL_PER_SECOND = 10;
const GOAL_FRACTION_OF_RAW = 0.8;

interface Sustained {
  perSecond: number;
  /** CPU ms per completed flow by process, over the whole run (warm-up and drain included). */
  cpuMsPerFlow: Record<string, number>;
}

async function sustained(ctx: BenchContext, warmUpSeconds: number, seconds: number, runOne: () => Promise<void>): Promise<Sustained> {
  const t0 = performance.now();
  const windowStart = t0 + warmUpSeconds * 1000;
  const windowEnd = windowStart + seconds * 1000;
  const { result: completions, cpu } = await cpuDuring(ctx.processes(), () => closedLoop(CONCURRENCY, windowEnd, runOne));
  const inWindow = completions.filter((t) => t >= windowStart && t <= windowEnd).length;
  return { perSecond: inWindow / seconds, cpuMsPerFlow: cpuMsPer(cpu, completions.length) };
}

export async function throughput(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 10 : 60;
  const warmUp = ctx.quick ? 2 : 5;
  await ctx.usePlatformWorker('noop');
  const runPlatform = () => sustained(ctx, warmUp, seconds, async () => platformResult(ctx, (await startPlatformFlow(ctx, true)).workflowId));
  const runRaw = () => sustained(ctx, warmUp, seconds, async () => rawResult(ctx, (await startRawFlow(ctx, rawShape(false))).workflowId));
  // This machine's speed drifts over minutes, so with --rounds the sides alternate, each round in the other order
  // than the last, and each round's ratio compares windows measured minutes apart at most.
  const rounds: { platform: Sustained; raw: Sustained; ratio: number }[] = [];
  for (let i = 0; i < ctx.rounds; i++) {
    const platformFirst = i % 2 === 0;
    const first = await (platformFirst ? runPlatform() : runRaw());
    const second = await (platformFirst ? runRaw() : runPlatform());
    const [platformRun, rawRun] = platformFirst ? [first, second] : [second, first];
    const ratio = platformRun.perSecond / rawRun.perSecond;
    rounds.push({ platform: platformRun, raw: rawRun, ratio });
    console.log(
      `  round ${i + 1}: ${platformRun.perSecond.toFixed(2)} / ${rawRun.perSecond.toFixed(2)} flows/s, ${ratio.toFixed(2)}×; ` +
        `CPU ms per flow — platform ${JSON.stringify(platformRun.cpuMsPerFlow)}; raw ${JSON.stringify(rawRun.cpuMsPerFlow)}`,
    );
  }
  const platform = median(rounds.map((r) => r.platform.perSecond));
  const raw = median(rounds.map((r) => r.raw.perSecond));
  const ratio = median(rounds.map((r) => r.ratio));
  return {
    id: 3,
    name: `sustained ${PLATFORM_PHASES}-phase flows for ${seconds} s${ctx.rounds > 1 ? `, median of ${ctx.rounds} rounds` : ''}`,
    measurements: [
      {
        metric: 'completed flows per second',
        unit: 'flows/s',
        platform: round(platform),
        raw: round(raw),
        goal: `≥ ${GOAL_PER_SECOND}/s and ≥ ${GOAL_FRACTION_OF_RAW}× raw`,
        met: platform >= GOAL_PER_SECOND && ratio >= GOAL_FRACTION_OF_RAW,
      },
      { metric: 'platform ÷ raw, median of the rounds\' ratios', unit: '×', platform: round(ratio, 3), raw: null, goal: '', met: null },
      { metric: 'completed phases per second', unit: 'phases/s', platform: round(platform * PLATFORM_PHASES), raw: round(raw * PLATFORM_PHASES), goal: '', met: null },
    ],
    details: {
      concurrency: CONCURRENCY,
      seconds,
      warmUpSeconds: warmUp,
      phasesPerFlow: PLATFORM_PHASES,
      ratioMedianOfRounds: round(ratio, 3),
      rounds: rounds.map((r) => ({
        platformPerSecond: round(r.platform.perSecond),
        rawPerSecond: round(r.raw.perSecond),
        ratio: round(r.ratio, 3),
        cpuMsPerFlow: { platform: r.platform.cpuMsPerFlow, raw: r.raw.cpuMsPerFlow },
      })),
    },
  };
}
