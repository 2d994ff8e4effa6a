/** FinOps' agent (FLOWS.md §6): put the rules' savings opportunities in the order to act on them. */
import { z } from 'zod';
import type { Optimisation } from '../analysis/finops';
import type { CanonicalAsset } from '../analysis/model';
import type { AgentDefinition } from './provider';

export interface PriorityCall {
  optimisationId: string;
  rank: number;
  reason: string;
}

/** The model ranks the biggest opportunities; the rest follow in the rules' order (saving × confidence). */
const OPTIMISATIONS_BRIEFED = 50;

function byPriority(optimisations: Optimisation[]): Optimisation[] {
  return optimisations.slice().sort((a, b) => b.priorityScore - a.priorityScore || (a.id < b.id ? -1 : 1));
}

const topOptimisations = (optimisations: Optimisation[]) => byPriority(optimisations).slice(0, OPTIMISATIONS_BRIEFED);

export const optimisationPrioritiser: AgentDefinition<{ optimisations: Optimisation[]; assets: CanonicalAsset[] }, { ranking: PriorityCall[] }> = {
  name: 'optimisation-prioritiser',
  rolePrompt:
    'You are a FinOps practitioner. Rank the savings opportunities in the order a team should act on them, weighing monthly saving, confidence, effort and risk (production and critical assets need more care). Give a one-sentence reason per rank that cites the opportunity and its evidence.',
  brief: ({ optimisations }) =>
    topOptimisations(optimisations).map((o) => ({
      id: o.id,
      kind: o.kind,
      assetKey: o.assetKey,
      monthlySaving: o.monthlySaving,
      confidence: o.confidence,
      rationale: o.rationale,
    })),
  tools: [
    {
      name: 'asset',
      description: 'The inventory record of one asset: size, utilisation, environment, criticality, owner, cost.',
      parameters: z.object({ assetKey: z.string() }),
      run: async ({ assetKey }: { assetKey: string }, { input }) => input.assets.find((a) => a.key === assetKey) ?? { error: `no asset ${assetKey}` },
    },
  ],
  outputSchema: z.object({
    ranking: z.array(z.object({ optimisationId: z.string(), rank: z.number().int().min(1), reason: z.string().min(1) })),
  }),
  offline: ({ optimisations }) => ({
    ranking: topOptimisations(optimisations).map((o, i) => ({
      optimisationId: o.id,
      rank: i + 1,
      reason: `${o.kind} on ${o.assetKey}: saves ${o.monthlySaving.toFixed(0)}/month at confidence ${o.confidence} (priority ${o.priorityScore.toFixed(0)})`,
    })),
  }),
};

/** Ranked opportunities first, in the agent's order and with its reasons; the others after, in the rules' order. */
export function applyRanking(optimisations: Optimisation[], ranking: PriorityCall[]): (Optimisation & { rank: number; priorityReason: string | null })[] {
  const byId = new Map(optimisations.map((o) => [o.id, o]));
  const ranked = ranking
    .filter((r) => byId.has(r.optimisationId))
    .sort((a, b) => a.rank - b.rank)
    .filter((r, i, all) => all.findIndex((x) => x.optimisationId === r.optimisationId) === i);
  const seen = new Set(ranked.map((r) => r.optimisationId));
  const rest = byPriority(optimisations.filter((o) => !seen.has(o.id)));
  return [
    ...ranked.map((r, i) => ({ ...byId.get(r.optimisationId)!, rank: i + 1, priorityReason: r.reason })),
    ...rest.map((o, i) => ({ ...o, rank: ranked.length + i + 1, priorityReason: null })),
  ];
}
