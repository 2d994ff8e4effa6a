/** FinOps' phases (FLOWS.md §6): cost breakdown, savings, budget. Runs on demand or from a Temporal Schedule. */
import { and, eq, gte, sql } from 'drizzle-orm';
import { llmCalls } from '../../db/schema';
import type { AgentPhaseResult, PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { analyseCosts, forecastBudget, identifyOptimisations, type CostAnalysis, type Optimisation } from '../analysis/finops';
import { loadArtifact, runAgentPhaseOnce, runPhaseOnce, type Reader } from '../artifacts';
import { agentRun } from '../agents/phase-run';
import { applyRanking, optimisationPrioritiser } from '../agents/finops-agents';
import type { ActivityDeps } from '../deps';
import { inventoryFlowId, loadInventory } from '../inventory';

export function createFinopsPhases(deps: ActivityDeps) {
  async function finopsCostAnalysis(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const costs = analyseCosts(inv.assets, inv.applications);
      const estimated = costs.lines.filter((l) => l.estimated).length;
      return {
        summary: `${costs.totalMonthly.toFixed(0)}/month over ${costs.lines.length} assets (${estimated} estimated from size)`,
        data: costs,
        outputs: { monthlyCost: costs.totalMonthly },
      };
    });
  }

  async function finopsOptimisations(input: PhaseActivityInput): Promise<AgentPhaseResult> {
    return runAgentPhaseOnce(deps, input, async (db) => {
      const inv = await loadInventory(db, input.tenantId, inventoryFlowId(input));
      const found = identifyOptimisations(inv.assets);
      const prioritised = await deps.agents.run(optimisationPrioritiser, agentRun(deps, input, { optimisations: found, assets: inv.assets }));
      const optimisations = applyRanking(found, prioritised.output.ranking);
      const saving = optimisations.reduce((n, o) => n + o.monthlySaving, 0);
      return {
        summary: `${optimisations.length} optimisations worth ${saving.toFixed(0)}/month${optimisations[0] ? `; first: ${optimisations[0].id}` : ''}`,
        data: { optimisations, provider: prioritised.provider, feedbackConsidered: input.feedback.map((f) => f.text) },
        outputs: { monthlySaving: Math.round(saving) },
      };
    });
  }

  async function finopsBudget(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const costs = await loadArtifact<CostAnalysis>(tx, input.tenantId, input.artifacts.cost_analysis, 'cost_analysis');
      const optimisations = input.artifacts.optimization_identification
        ? (await loadArtifact<{ optimisations: Optimisation[] }>(tx, input.tenantId, input.artifacts.optimization_identification, 'optimization_identification')).optimisations
        : [];
      const o = input.flowInput;
      // The platform's own LLM spend: given in the input, else what the ledger billed this tenant over 30 days.
      const llmMonthlySpend = typeof o.llmMonthlySpend === 'number' ? o.llmMonthlySpend : await llmSpendLast30Days(tx, input.tenantId);
      const budget = forecastBudget(costs, optimisations, {
        months: Number(o.months),
        startMonth: String(o.startMonth),
        monthlyGrowthPct: Number(o.monthlyGrowthPct),
        llmMonthlySpend,
        adoption: Number(o.adoption),
        rampMonths: Number(o.rampMonths),
        contingencyPct: Number(o.contingencyPct),
      });
      return {
        summary: `${budget.months.length}-month forecast ${budget.total.toFixed(0)}; budget with contingency ${budget.budgetWithContingency.toFixed(0)}`,
        data: { ...budget, llmSpendSource: typeof o.llmMonthlySpend === 'number' ? 'input' : 'LLM ledger, last 30 days' },
      };
    });
  }

  return { finopsCostAnalysis, finopsOptimisations, finopsBudget };
}

async function llmSpendLast30Days(db: Reader, tenantId: string): Promise<number> {
  const since = new Date(Date.now() - 30 * 86_400_000);
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${llmCalls.costUsd}), 0)` })
    .from(llmCalls)
    .where(and(eq(llmCalls.tenantId, tenantId), gte(llmCalls.createdAt, since)));
  return Number(row.total);
}
