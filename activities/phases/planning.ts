/** Planning's four phases (FLOWS.md §3): dependency-aware waves, team allocation, timeline, cost. */
import type { AgentPhaseResult, PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { deriveAppDependencies, type AppEdge } from '../analysis/app-graph';
import type { BlackoutWindow } from '../analysis/dates';
import type { CanonicalApplication } from '../analysis/model';
import { allocateResources, estimateCosts, generateTimeline, planWaves, validateWavePlan, type Team, type WavePlan } from '../analysis/planning';
import { DEFAULT_PRICING } from '../analysis/pricing';
import type { Strategy } from '../analysis/rules/seven-rs';
import { loadArtifact, runAgentPhaseOnce, runPhaseOnce, type Tx } from '../artifacts';
import { agentRun } from '../agents/phase-run';
import { waveNamer, type WaveName } from '../agents/planning-agents';
import type { ActivityDeps } from '../deps';
import { flowRef, inventoryFlowId, latestArtifact, loadInventory } from '../inventory';
import type { StrategyArtifact } from './assessment';

/** Retired and retained applications do not move, so they take no place in a wave. */
const STAYING: readonly Strategy[] = ['retire', 'retain'];

export interface WavePlanArtifact {
  inventoryFlowId: string;
  assessmentFlowId: string;
  plan: WavePlan;
  strategies: { applicationKey: string; strategy: Strategy }[];
  staying: { applicationKey: string; strategy: Strategy }[];
  appDependencies: AppEdge[];
  edits: Record<string, number>;
  violations: string[];
  /** Names and justifications per wave, from the wave-namer agent. */
  waveNames: WaveName[];
  provider: string;
  feedbackConsidered: string[];
}

interface PlanningInput {
  startDate: string;
  waveLengthDays: number;
  maxAppsPerWave: number;
  maxAssetsPerWave: number;
  blackoutWindows: BlackoutWindow[];
  teams: Team[];
  prepDays: number;
  hypercareDays: number;
}

/** A reviewer's moves, applied on top of the computed plan; validation afterwards says whether they hold. */
function applyMoves(plan: WavePlan, moves: Record<string, number>, actor: string): WavePlan {
  const waves = plan.waves.map((w) => ({ ...w, applicationKeys: [...w.applicationKeys] }));
  const placements = plan.placements.map((p) => ({ ...p }));
  for (const [app, target] of Object.entries(moves)) {
    const placement = placements.find((p) => p.applicationKey === app);
    if (!placement) continue;
    for (const wave of waves) wave.applicationKeys = wave.applicationKeys.filter((k) => k !== app);
    let wave = waves.find((w) => w.number === target);
    if (!wave) {
      const last = waves[waves.length - 1];
      wave = { ...last, number: target, applicationKeys: [], moveGroupIds: [], assetCount: 0, blackoutsSkipped: [] };
      waves.push(wave);
    }
    wave.applicationKeys.push(app);
    placement.rationale = `Moved from wave ${placement.wave} to wave ${target} by ${actor}. Planner's rationale: ${placement.rationale}`;
    placement.wave = target;
  }
  return { ...plan, waves: waves.filter((w) => w.applicationKeys.length).sort((a, b) => a.number - b.number), placements };
}

export function createPlanningPhases(deps: ActivityDeps) {
  const options = (input: PhaseActivityInput) => input.flowInput as unknown as PlanningInput;

  const wavePlan = (tx: Tx, input: PhaseActivityInput) =>
    loadArtifact<WavePlanArtifact>(tx, input.tenantId, input.artifacts.wave_planning, 'wave_planning');

  async function planningWaves(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const assessmentFlowId = flowRef(input, 'assessmentFlowId');
      const inv = await loadInventory(db, input.tenantId, inventoryFlowId(input));
      const assessed = await latestArtifact<StrategyArtifact>(db, input.tenantId, assessmentFlowId, 'strategy_recommendation');
      const strategies = assessed.recommendations.map((r) => ({ applicationKey: r.applicationKey, strategy: r.strategy }));
      const moving = new Set(strategies.filter((s) => !STAYING.includes(s.strategy)).map((s) => s.applicationKey));
      const apps: CanonicalApplication[] = inv.applications.filter((a) => moving.has(a.key));
      const edges = deriveAppDependencies(apps, inv.assets, inv.dependencies);
      const opts = options(input);
      const computed = planWaves(apps, edges, {
        maxAppsPerWave: opts.maxAppsPerWave,
        maxAssetsPerWave: opts.maxAssetsPerWave,
        startDate: opts.startDate,
        waveLengthDays: opts.waveLengthDays,
        blackoutWindows: opts.blackoutWindows,
      });
      const edits: Record<string, number> = {};
      for (const feedback of input.feedback) {
        for (const [app, wave] of Object.entries(feedback.changes ?? {})) if (Number.isInteger(wave)) edits[app] = wave as number;
      }
      const lastActor = input.feedback.at(-1)?.actor ?? 'reviewer';
      const plan = Object.keys(edits).length ? applyMoves(computed, edits, lastActor) : computed;
      const violations = validateWavePlan(plan, edges);
      const named = await deps.agents.run(waveNamer, agentRun(deps, input, { plan }));
      const waveNumbers = new Set(plan.waves.map((w) => w.number));
      const artifact: WavePlanArtifact = {
        inventoryFlowId: inventoryFlowId(input),
        assessmentFlowId,
        plan,
        strategies,
        staying: strategies.filter((s) => !moving.has(s.applicationKey)),
        appDependencies: edges,
        edits,
        violations,
        waveNames: named.output.waves.filter((w) => waveNumbers.has(w.wave)),
        provider: named.provider,
        feedbackConsidered: input.feedback.map((f) => f.text),
      };
      return {
        summary: `${apps.length} applications in ${plan.waves.length} waves (${plan.moveGroups.filter((g) => g.cyclic).length} cyclic move groups); ${artifact.staying.length} stay (retire/retain)${violations.length ? `; ${violations.length} violations in the edited plan` : ''}`,
        data: artifact,
        approvalBlockers: violations,
        outputs: { waveCount: plan.waves.length },
      };
    });
  }

  async function planningResources(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const waves = await wavePlan(tx, input);
      const inv = await loadInventory(tx, input.tenantId, waves.inventoryFlowId);
      const resources = allocateResources(waves.plan, inv.applications, options(input).teams, waves.strategies, DEFAULT_PRICING);
      return {
        summary: `${resources.assignments.length} team assignments over ${resources.waves.length} waves${resources.warnings.length ? `; ${resources.warnings.length} capacity warnings` : ''}`,
        data: resources,
      };
    });
  }

  async function planningTimeline(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const waves = await wavePlan(tx, input);
      const opts = options(input);
      const timeline = generateTimeline(waves.plan, waves.appDependencies, {
        prepDays: opts.prepDays,
        hypercareDays: opts.hypercareDays,
        blackoutWindows: opts.blackoutWindows,
      });
      return {
        summary: `${timeline.startDate} → ${timeline.endDate} (${timeline.totalDays} days); critical path of ${timeline.criticalPath.length} tasks`,
        data: timeline,
        outputs: { endDate: timeline.endDate },
      };
    });
  }

  async function planningCosts(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const waves = await wavePlan(tx, input);
      const inv = await loadInventory(tx, input.tenantId, waves.inventoryFlowId);
      const costs = estimateCosts(waves.plan, inv.applications, inv.assets, waves.strategies, DEFAULT_PRICING);
      const t = costs.totals;
      return {
        summary: `One-time ${t.oneTimeCost.toFixed(0)}; run-rate ${t.runRateBefore.toFixed(0)} → ${t.runRateAfter.toFixed(0)}/month; payback ${t.paybackMonths ?? 'n/a'} months`,
        data: costs,
      };
    });
  }

  return { planningWaves, planningResources, planningTimeline, planningCosts };
}
