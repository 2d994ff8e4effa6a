/**
 * Scenario 1 — per-phase orchestration overhead. One flow at a time (no queueing), platform and baseline
 * alternating so drift hits both alike. A phase's cost is its cycle in history (see phaseCycles). The platform side
 * runs the real engine on no-op phases, so the ratio is orchestration against orchestration; a second platform
 * series with the real activities on a 20-server import shows what a small real phase costs on top.
 */
import type { BenchContext } from '../lib/context';
import { history, meanLegs, phaseCycles, phaseLegs, platformResult, rawResult, rawShape, startPlatformFlow, startRawFlow, PLATFORM_PHASES, type PhaseLegs } from '../lib/flows';
import type { ScenarioResult } from '../lib/report';
import { elapsedMs, round, summarize } from '../lib/stats';

const GOAL_RATIO = 1.1;
const WARM_UP = 2;

interface Run {
  cycles: number[];
  legs: PhaseLegs[];
  wallMs: number;
}

async function observed(ctx: BenchContext, workflowId: string, t: bigint): Promise<Run> {
  const wallMs = elapsedMs(t);
  const events = await history(ctx, workflowId);
  return { cycles: phaseCycles(events), legs: phaseLegs(events), wallMs };
}

async function platformRun(ctx: BenchContext): Promise<Run> {
  const t = process.hrtime.bigint();
  const { workflowId } = await startPlatformFlow(ctx, true);
  await platformResult(ctx, workflowId);
  return observed(ctx, workflowId, t);
}

async function rawRun(ctx: BenchContext): Promise<Run> {
  const t = process.hrtime.bigint();
  const { workflowId } = await startRawFlow(ctx, rawShape(false));
  await rawResult(ctx, workflowId);
  return observed(ctx, workflowId, t);
}

export async function phaseOverhead(ctx: BenchContext): Promise<ScenarioResult> {
  const flows = ctx.quick ? 5 : 30;
  const realFlows = ctx.quick ? 3 : 10;
  const platform = { cycles: [] as number[], legs: [] as PhaseLegs[], wall: [] as number[] };
  const raw = { cycles: [] as number[], legs: [] as PhaseLegs[], wall: [] as number[] };
  await ctx.usePlatformWorker('noop');
  for (let i = 0; i < WARM_UP + flows; i++) {
    const p = await platformRun(ctx);
    const r = await rawRun(ctx);
    if (i < WARM_UP) continue;
    platform.cycles.push(...p.cycles);
    platform.legs.push(...p.legs);
    platform.wall.push(p.wallMs);
    raw.cycles.push(...r.cycles);
    raw.legs.push(...r.legs);
    raw.wall.push(r.wallMs);
  }
  const real = { cycles: [] as number[], wall: [] as number[] };
  await ctx.usePlatformWorker('real');
  for (let i = 0; i < 1 + realFlows; i++) {
    const p = await platformRun(ctx);
    if (i === 0) continue;
    real.cycles.push(...p.cycles);
    real.wall.push(p.wallMs);
  }
  await ctx.usePlatformWorker('noop');

  const s = { platformCycle: summarize(platform.cycles), rawCycle: summarize(raw.cycles), realCycle: summarize(real.cycles) };
  // Cycle i runs from phase i's scheduling to phase i+1's: which hand-offs cost what (e.g. into the agent queue).
  const byPhase = (cycles: number[]) =>
    Array.from({ length: PLATFORM_PHASES - 1 }, (_, i) => round(summarize(cycles.filter((_, j) => j % (PLATFORM_PHASES - 1) === i)).mean));
  const cycleMeanByPhase = { platform: byPhase(platform.cycles), raw: byPhase(raw.cycles) };
  console.log(`  phase cycle mean by phase (ms) — platform ${cycleMeanByPhase.platform.join(', ')}; raw ${cycleMeanByPhase.raw.join(', ')}`);
  // Where a cycle's time goes, by the history events that split it: which side of the hand-offs the difference is on.
  const legMeans = { platform: meanLegs(platform.legs), raw: meanLegs(raw.legs) };
  console.log(`  phase cycle legs, mean ms (activity, to workflow task, workflow task, to next phase) — platform ${Object.values(legMeans.platform).join(', ')}; raw ${Object.values(legMeans.raw).join(', ')}`);
  const w = { platform: summarize(platform.wall), raw: summarize(raw.wall), real: summarize(real.wall) };
  // The mean, not the median, is the per-phase cost: a flow pays for every phase, the slow kinds included.
  const cycleRatio = s.platformCycle.mean / s.rawCycle.mean;
  return {
    id: 1,
    name: 'per-phase orchestration overhead',
    measurements: [
      { metric: 'phase cycle mean, no-op phases', unit: 'ms', platform: round(s.platformCycle.mean), raw: round(s.rawCycle.mean), goal: `≤ ${GOAL_RATIO.toFixed(2)}× raw`, met: cycleRatio <= GOAL_RATIO },
      { metric: 'phase cycle p50, no-op phases', unit: 'ms', platform: round(s.platformCycle.p50), raw: round(s.rawCycle.p50), goal: '', met: null },
      { metric: 'phase cycle p99, no-op phases', unit: 'ms', platform: round(s.platformCycle.p99), raw: round(s.rawCycle.p99), goal: '', met: null },
      { metric: '6-phase flow wall p50, no-op phases', unit: 'ms', platform: round(w.platform.p50), raw: round(w.raw.p50), goal: '', met: null },
      { metric: 'phase cycle mean, real phases (20 servers)', unit: 'ms', platform: round(s.realCycle.mean), raw: round(s.rawCycle.mean), goal: '', met: null },
    ],
    details: { flows, realFlows, warmUp: WARM_UP, cycles: s, cycleMeanByPhase, legMeans, wall: w },
  };
}
