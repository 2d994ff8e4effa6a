/** Assessment's six phases (FLOWS.md §2): per-asset readiness through to a 7R strategy per application. */
import { and, eq, ne } from 'drizzle-orm';
import { strategyOverrides } from '../../db/schema';
import type { AgentPhaseResult, PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import {
  analyseComplexity,
  assessReadiness,
  assessRisk,
  assessTechDebt,
  checkCompliance,
  type AppComplexity,
  type AppRisk,
  type AssetReadiness,
  type ComplianceFinding,
} from '../analysis/assessment';
import { STRATEGIES, type Strategy } from '../analysis/rules/seven-rs';
import { recommendStrategies, type StrategyRecommendation } from '../analysis/strategy';
import { loadArtifact, runAgentPhaseOnce, runPhaseOnce, type Reader, type Tx } from '../artifacts';
import { strategyAdvisor, techDebtAdvisor, type RemediationAdvice } from '../agents/assessment-agents';
import { agentRun } from '../agents/phase-run';
import type { ActivityDeps } from '../deps';
import { inventoryFlowId, loadInventory, type Inventory } from '../inventory';

export interface StrategyArtifact {
  inventoryFlowId: string;
  recommendations: (StrategyRecommendation & { decidedBy: 'rules' | 'agent' | 'reviewer'; reviewerReason: string | null })[];
  /** Which engine answered the close calls (`offline-rules` or `llm:<model>`). */
  provider: string;
  counts: Record<Strategy, number>;
  overridesApplied: Record<string, Strategy>;
  pastOverridesUsed: number;
  feedbackConsidered: string[];
}

function asOf(input: PhaseActivityInput): string {
  return String(input.flowInput.asOf);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');

export function createAssessmentPhases(deps: ActivityDeps) {
  const inventory = (tx: Reader, input: PhaseActivityInput) => loadInventory(tx, input.tenantId, inventoryFlowId(input));

  /** An earlier phase's artifact, or (if that phase was skipped) the same analysis computed now. */
  async function earlier<T>(tx: Reader, input: PhaseActivityInput, phase: string, compute: () => T): Promise<T> {
    const id = input.artifacts[phase];
    return id ? ((await loadArtifact<{ items: T }>(tx, input.tenantId, id, phase)).items as T) : compute();
  }

  const readiness = (tx: Reader, input: PhaseActivityInput, inv: Inventory) =>
    earlier<AssetReadiness[]>(tx, input, 'readiness_assessment', () => assessReadiness(inv.assets, inv.dependencies, asOf(input)));
  const compliance = (tx: Reader, input: PhaseActivityInput, inv: Inventory) =>
    earlier<ComplianceFinding[]>(tx, input, 'compliance_check', () => checkCompliance(inv.assets, asOf(input)));
  const complexity = (tx: Reader, input: PhaseActivityInput, inv: Inventory) =>
    earlier<AppComplexity[]>(tx, input, 'complexity_analysis', () => analyseComplexity(inv.applications, inv.assets, inv.dependencies));

  async function assessmentReadiness(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await inventory(tx, input);
      const items = assessReadiness(inv.assets, inv.dependencies, asOf(input));
      const counts = countBy(items, (i) => i.status);
      return { summary: `Readiness of ${items.length} assets as of ${asOf(input)}: ${describeCounts(counts)}`, data: { inventoryFlowId: inventoryFlowId(input), counts, items } };
    });
  }

  async function assessmentCompliance(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await inventory(tx, input);
      const items = checkCompliance(inv.assets, asOf(input));
      const counts = countBy(items, (i) => i.category);
      const assetsAffected = new Set(items.map((i) => i.assetKey)).size;
      return {
        summary: `${items.length} compliance findings on ${assetsAffected} assets${items.length ? `: ${describeCounts(counts)}` : ''}`,
        data: { inventoryFlowId: inventoryFlowId(input), counts, items },
      };
    });
  }

  async function assessmentComplexity(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await inventory(tx, input);
      const items = analyseComplexity(inv.applications, inv.assets, inv.dependencies);
      const counts = countBy(items, (i) => i.band);
      return { summary: `Complexity of ${items.length} applications: ${describeCounts(counts)}`, data: { inventoryFlowId: inventoryFlowId(input), counts, items } };
    });
  }

  async function assessmentTechDebt(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const inv = await inventory(db, input);
      const items = assessTechDebt(inv.applications, inv.assets, asOf(input));
      const debtItems = items.reduce((n, a) => n + a.items.length, 0);
      const advised = await deps.agents.run(techDebtAdvisor, agentRun(deps, input, { debt: items, applications: inv.applications, assets: inv.assets }));
      const advice: RemediationAdvice[] = advised.output.advice.filter((a) => items.some((i) => i.applicationKey === a.applicationKey));
      return {
        summary: `${debtItems} tech-debt items across ${items.filter((a) => a.items.length).length} of ${items.length} applications; remediation advice for ${advice.length}`,
        data: { inventoryFlowId: inventoryFlowId(input), items, advice, provider: advised.provider, feedbackConsidered: input.feedback.map((f) => f.text) },
      };
    });
  }

  async function assessmentRisk(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await inventory(tx, input);
      const items = assessRisk(inv.applications, inv.assets, inv.dependencies, await readiness(tx, input, inv), await complexity(tx, input, inv));
      const counts = countBy(items, (i) => i.level);
      return { summary: `Risk of ${items.length} applications: ${describeCounts(counts)}`, data: { inventoryFlowId: inventoryFlowId(input), counts, items } };
    });
  }

  async function assessmentStrategy(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const inv = await inventory(db, input);
      const ready = await readiness(db, input, inv);
      const complex = await complexity(db, input, inv);
      const risk = await earlier<AppRisk[]>(db, input, 'risk_assessment', () =>
        assessRisk(inv.applications, inv.assets, inv.dependencies, ready, complex),
      );
      // Reviewers' overrides from this tenant's earlier assessments are the examples later runs learn from.
      const past = await db
        .select()
        .from(strategyOverrides)
        .where(and(eq(strategyOverrides.tenantId, input.tenantId), ne(strategyOverrides.flowId, input.flowId)));
      const pastOverrides = past.map((o) => ({ applicationKey: o.applicationKey, strategy: o.strategy as Strategy, reason: o.reason }));
      const ruled = recommendStrategies(
        inv.applications,
        inv.assets,
        inv.dependencies,
        ready,
        await compliance(db, input, inv),
        complex,
        risk,
        pastOverrides,
      );
      // Close calls go to the strategy agent, with the tenant's past overrides as its worked examples.
      const examples = pastOverrides.map((o) => `${o.applicationKey}: a reviewer chose ${o.strategy} — "${o.reason}"`);
      const advised = await deps.agents.run(
        strategyAdvisor,
        agentRun(deps, input, { recommendations: ruled, applications: inv.applications, assets: inv.assets }, examples),
      );
      const decisions = new Map(advised.output.decisions.map((d) => [d.applicationKey, d]));
      const recommended = ruled.map((r) => {
        const d = decisions.get(r.applicationKey);
        if (!d) return { ...r, decidedBy: 'rules' as const };
        const changed = d.strategy !== r.strategy;
        return { ...r, strategy: d.strategy, targetService: d.targetService, rationale: d.rationale, confidence: d.confidence, evidence: d.evidence, decidedBy: changed ? ('agent' as const) : ('rules' as const) };
      });

      // This run's reviewer overrides (reject with changes) replace the rules' choice and are remembered.
      const overrides: Record<string, Strategy> = {};
      for (const feedback of input.feedback) {
        for (const [app, strategy] of Object.entries(feedback.changes ?? {})) {
          if ((STRATEGIES as readonly string[]).includes(String(strategy))) overrides[app] = strategy as Strategy;
        }
      }
      const lastFeedback = input.feedback.at(-1);
      const recommendations = recommended.map((r) => {
        const chosen = overrides[r.applicationKey];
        if (!chosen || chosen === r.strategy) return { ...r, reviewerReason: null };
        return {
          ...r,
          strategy: chosen,
          decidedBy: 'reviewer' as const,
          reviewerReason: lastFeedback?.text ?? null,
          rationale: `Reviewer ${lastFeedback?.actor ?? 'unknown'} chose ${chosen} over the rules' ${r.strategy}: ${lastFeedback?.text ?? ''}. Rules' rationale: ${r.rationale}`,
        };
      });
      const overriddenApps = Object.keys(overrides).filter((k) => recommended.some((r) => r.applicationKey === k));
      const write = async (tx: Tx) => {
        if (!overriddenApps.length) return;
        await tx
          .delete(strategyOverrides)
          .where(and(eq(strategyOverrides.tenantId, input.tenantId), eq(strategyOverrides.flowId, input.flowId)));
        await tx.insert(strategyOverrides).values(
          overriddenApps.map((app) => ({
            tenantId: input.tenantId,
            flowId: input.flowId,
            applicationKey: app,
            strategy: overrides[app],
            reason: lastFeedback?.text ?? '',
            actor: lastFeedback?.actor ?? 'unknown',
          })),
        );
      };
      const counts = Object.fromEntries(STRATEGIES.map((s) => [s, recommendations.filter((r) => r.strategy === s).length])) as Record<Strategy, number>;
      const artifact: StrategyArtifact = {
        inventoryFlowId: inventoryFlowId(input),
        recommendations,
        counts,
        overridesApplied: Object.fromEntries(overriddenApps.map((a) => [a, overrides[a]])),
        pastOverridesUsed: pastOverrides.length,
        provider: advised.provider,
        feedbackConsidered: input.feedback.map((f) => f.text),
      };
      return {
        summary: `7R for ${recommendations.length} applications: ${describeCounts(counts)}${overriddenApps.length ? `; ${overriddenApps.length} overridden by reviewer` : ''}`,
        data: artifact,
        outputs: { applications: recommendations.length },
        write,
      };
    });
  }

  return { assessmentReadiness, assessmentCompliance, assessmentComplexity, assessmentTechDebt, assessmentRisk, assessmentStrategy };
}
