/** Planning's agent (FLOWS.md §3): justify and name the waves the dependency-aware grouping produced. */
import { z } from 'zod';
import type { WavePlan } from '../analysis/planning';
import type { AgentDefinition } from './provider';

export interface WaveName {
  wave: number;
  name: string;
  justification: string;
  confidence: number;
  evidence: string[];
}

export const waveNamer: AgentDefinition<{ plan: WavePlan }, { waves: WaveName[] }> = {
  name: 'wave-namer',
  rolePrompt:
    'You are a migration programme manager. Give each wave of the plan a short name and a justification of its contents and position: why these applications move together (move groups, cycles), why in this order (criticality, dependencies on earlier waves), and any blackout windows it was moved past.',
  brief: ({ plan }) =>
    plan.waves.map((w) => ({
      wave: w.number,
      startDate: w.startDate,
      endDate: w.endDate,
      applicationKeys: w.applicationKeys.slice(0, 20),
      applicationCount: w.applicationKeys.length,
      moveGroups: plan.moveGroups.filter((g) => w.moveGroupIds.includes(g.id)).map((g) => ({ id: g.id, cyclic: g.cyclic, criticality: g.criticality })),
      assetCount: w.assetCount,
      maxCriticality: w.maxCriticality,
      blackoutsSkipped: w.blackoutsSkipped,
    })),
  tools: [
    {
      name: 'placement',
      description: "Why one application sits in its wave: the planner's rationale and evidence.",
      parameters: z.object({ applicationKey: z.string() }),
      run: async ({ applicationKey }: { applicationKey: string }, { input }) =>
        input.plan.placements.find((p) => p.applicationKey === applicationKey) ?? { error: `no placement for ${applicationKey}` },
    },
  ],
  outputSchema: z.object({
    waves: z.array(
      z.object({ wave: z.number().int().min(1), name: z.string().min(1), justification: z.string().min(1), confidence: z.number().min(0).max(1), evidence: z.array(z.string()) }),
    ),
  }),
  offline: ({ plan }) => ({
    waves: plan.waves.map((w, i) => {
      const groups = plan.moveGroups.filter((g) => w.moveGroupIds.includes(g.id));
      const cyclic = groups.filter((g) => g.cyclic).length;
      const role = i === 0 ? 'Pilot' : i === plan.waves.length - 1 ? 'Final' : `Wave ${w.number}`;
      return {
        wave: w.number,
        name: `${role}: ${w.applicationKeys.length} app(s), up to ${w.maxCriticality} criticality`,
        justification: [
          `${groups.length} move group(s)${cyclic ? `, ${cyclic} of them cyclic (their applications must move together)` : ''}; ${w.assetCount} assets.`,
          i === 0 ? 'Lowest criticality first, to prove the runbook.' : 'Placed after every wave it depends on.',
          w.blackoutsSkipped.length ? `Moved past blackout windows: ${w.blackoutsSkipped.join('; ')}.` : '',
        ]
          .filter(Boolean)
          .join(' '),
        confidence: 0.9,
        evidence: w.moveGroupIds,
      };
    }),
  }),
};
