/** Assessment's agents (FLOWS.md §2): remediation advice over the debt rules, and the 7R decision for hard cases. */
import { z } from 'zod';
import type { AppTechDebt } from '../analysis/assessment';
import type { CanonicalApplication, CanonicalAsset } from '../analysis/model';
import { STRATEGIES } from '../analysis/rules/seven-rs';
import type { StrategyRecommendation } from '../analysis/strategy';
import type { AgentDefinition, AgentTool } from './provider';

const confidence = z.number().min(0).max(1);
const evidence = z.array(z.string()).describe('ids of the assets, applications, dependencies or rules this rests on');

interface InventoryView {
  applications: CanonicalApplication[];
  assets: CanonicalAsset[];
}

/** A tool both agents share: the facts of one application from the tenant's inventory. */
function applicationDetails<T extends InventoryView>(): AgentTool<T> {
  return {
    name: 'application_details',
    description: 'One application from the inventory with its member assets (OS, size, environment, criticality).',
    parameters: z.object({ applicationKey: z.string() }),
    run: async ({ applicationKey }: { applicationKey: string }, { input }) => {
      const app = input.applications.find((a) => a.key === applicationKey);
      if (!app) return { error: `no application ${applicationKey}` };
      const members = input.assets.filter((a) => (a.applications ?? []).includes(applicationKey)).slice(0, 50);
      return { application: app, assets: members };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
export interface TechDebtAdvisorInput extends InventoryView {
  debt: AppTechDebt[];
}

export interface RemediationAdvice {
  applicationKey: string;
  summary: string;
  firstStep: string;
  rationale: string;
  confidence: number;
  evidence: string[];
}

/** The model advises on the most indebted applications; the rest keep the rules' per-item remediation hints. */
const DEBT_APPS_BRIEFED = 30;

function mostIndebted(debt: AppTechDebt[]): AppTechDebt[] {
  return debt
    .filter((d) => d.items.length)
    .sort((a, b) => b.debtScore - a.debtScore || (a.applicationKey < b.applicationKey ? -1 : 1))
    .slice(0, DEBT_APPS_BRIEFED);
}

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

export const techDebtAdvisor: AgentDefinition<TechDebtAdvisorInput, { advice: RemediationAdvice[] }> = {
  name: 'tech-debt-advisor',
  rolePrompt:
    'You are a migration architect. For each application in the brief, summarise its technical debt in one sentence and name the first remediation step to take before migrating, with a rationale citing the debt items and rules.',
  brief: ({ debt }) =>
    mostIndebted(debt).map((d) => ({
      applicationKey: d.applicationKey,
      debtScore: d.debtScore,
      items: d.items.map((i) => ({ id: i.id, ruleId: i.ruleId, severity: i.severity, title: i.title, remediation: i.remediation })),
    })),
  tools: [applicationDetails<TechDebtAdvisorInput>()],
  outputSchema: z.object({
    advice: z.array(z.object({ applicationKey: z.string(), summary: z.string().min(1), firstStep: z.string().min(1), rationale: z.string().min(1), confidence, evidence })),
  }),
  offline: ({ debt }) => ({
    advice: mostIndebted(debt).map((d) => {
      const first = d.items.slice().sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.id < b.id ? -1 : 1))[0];
      const high = d.items.filter((i) => i.severity === 'high').length;
      return {
        applicationKey: d.applicationKey,
        summary: `${d.items.length} debt item(s), ${high} high; debt score ${d.debtScore}/100`,
        firstStep: first.remediation,
        rationale: `Highest-severity item first: ${first.title} (rule ${first.ruleId}, ${first.severity}).`,
        confidence: first.confidence,
        evidence: [...new Set([first.id, first.ruleId, ...d.items.map((i) => i.ruleId)])],
      };
    }),
  }),
};

// ---------------------------------------------------------------------------------------------------------------
export interface StrategyAdvisorInput extends InventoryView {
  recommendations: StrategyRecommendation[];
}

export interface StrategyDecision {
  applicationKey: string;
  strategy: (typeof STRATEGIES)[number];
  targetService: string;
  rationale: string;
  confidence: number;
  evidence: string[];
}

/** Only close calls go to the model: the decision table is confident about the rest. */
const CLOSE_CALL_CONFIDENCE = 0.75;
const CLOSE_CALLS_BRIEFED = 40;

function closeCalls(recommendations: StrategyRecommendation[]): StrategyRecommendation[] {
  return recommendations.filter((r) => r.confidence < CLOSE_CALL_CONFIDENCE).slice(0, CLOSE_CALLS_BRIEFED);
}

export const strategyAdvisor: AgentDefinition<StrategyAdvisorInput, { decisions: StrategyDecision[] }> = {
  name: 'strategy-advisor',
  rolePrompt: `You decide the migration strategy (one of the 7 Rs: ${STRATEGIES.join(', ')}) for applications where the decision table is unsure. For each application in the brief, choose a strategy and target service, and explain why, citing the matched criteria, scores and evidence. Where this tenant's reviewers decided a similar case before, follow their lead and say so.`,
  brief: ({ recommendations }) =>
    closeCalls(recommendations).map((r) => ({
      applicationKey: r.applicationKey,
      rulesChoice: r.strategy,
      targetService: r.targetService,
      scores: r.scores,
      matchedCriteria: r.matchedCriteria,
      alternative: r.alternative,
      rationale: r.rationale,
      confidence: r.confidence,
      evidence: r.evidence.slice(0, 15),
    })),
  tools: [applicationDetails<StrategyAdvisorInput>()],
  outputSchema: z.object({
    decisions: z.array(
      z.object({ applicationKey: z.string(), strategy: z.enum(STRATEGIES), targetService: z.string().min(1), rationale: z.string().min(1), confidence, evidence }),
    ),
  }),
  // The decision table already weighs the tenant's past overrides (recommendStrategies), so offline it stands.
  offline: ({ recommendations }) => ({
    decisions: closeCalls(recommendations).map(({ applicationKey, strategy, targetService, rationale, confidence: c, evidence: e }) => ({
      applicationKey,
      strategy,
      targetService,
      rationale,
      confidence: c,
      evidence: e,
    })),
  }),
};
