/** FinOps' phases (FLOWS.md §6): cost breakdown, savings, budget. Runs on demand or from a Temporal Schedule. */
import type { PhaseActivityInput, PhaseActivityResult } from '../../workflows/messages';
import { analyseCosts, forecastBudget, identifyOptimisations, type CostAnalysis, type Optimisation } from '../analysis/finops';
import { loadArtifact, runPhaseOnce } from '../artifacts';
import type { ActivityDeps } from '../deps';
import { OFFLINE_PROVIDER_NAME } from '../agents/provider';
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

  async function finopsOptimisations(input: PhaseActivityInput): Promise<PhaseActivityResult> {
    return runPhaseOnce(deps, input, async (tx) => {
      const inv = await loadInventory(tx, input.tenantId, inventoryFlowId(input));
      const optimisations = identifyOptimisations(inv.assets);
      const saving = optimisations.reduce((n, o) => n + o.monthlySaving, 0);
      return {
        summary: `${optimisations.length} optimisations worth ${saving.toFixed(0)}/month`,
        data: { optimisations },
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
      // The platform's own LLM spend: the offline rules provider makes no billed calls.
      const llmMonthlySpend = typeof o.llmMonthlySpend === 'number' ? o.llmMonthlySpend : 0;
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
        data: { ...budget, llmSpendSource: typeof o.llmMonthlySpend === 'number' ? 'input' : `${deps.agents.name} provider (${deps.agents.name === OFFLINE_PROVIDER_NAME ? 'no billed calls' : 'ledger'})` },
      };
    });
  }

  return { finopsCostAnalysis, finopsOptimisations, finopsBudget };
}
