/**
 * Team allocation per wave. Effort per application comes from the labour table for its strategy; each
 * application is given to the team whose skills best match its stack, then the least-loaded one, largest
 * applications first (the longest-processing-time heuristic keeps loads even).
 */
import type { CanonicalApplication, Explained } from './model';
import type { WavePlan } from './planning';
import type { Strategy } from './rules/seven-rs';
import { daysBetween } from './dates';
import { appRef, byString, clamp01, round, ruleRef } from './evidence';
import { DEFAULT_PRICING, migrationLabourHours, type PricingTable } from './pricing';

export interface Team {
  key: string;
  name: string;
  hoursPerWeek: number;
  /** Free-text skills matched case-insensitively against application stack entries ("java", "sql server"). */
  skills: string[];
}

export interface TeamAssignment extends Explained {
  applicationKey: string;
  wave: number;
  teamKey: string | null;
  effortHours: number;
}

export interface WaveAllocation {
  wave: number;
  requiredHours: number;
  availableHours: number;
  /** required / available (0 when no capacity). */
  utilisation: number;
  overallocated: boolean;
  teams: { teamKey: string; assignedHours: number; availableHours: number }[];
}

export interface ResourcePlan {
  assignments: TeamAssignment[];
  waves: WaveAllocation[];
  warnings: string[];
}

function skillMatches(team: Team, stack: readonly string[]): string[] {
  const entries = stack.map((s) => s.toLowerCase());
  return team.skills.filter((skill) => entries.some((e) => e.includes(skill.toLowerCase())));
}

export function allocateResources(
  plan: WavePlan,
  apps: readonly CanonicalApplication[],
  teams: readonly Team[],
  strategies: readonly { applicationKey: string; strategy: Strategy }[],
  pricing: PricingTable = DEFAULT_PRICING,
): ResourcePlan {
  const appByKey = new Map(apps.map((a) => [a.key, a]));
  const strategyOf = new Map(strategies.map((s) => [s.applicationKey, s.strategy]));
  const sortedTeams = [...teams].sort((a, b) => byString(a.key, b.key));
  const assignments: TeamAssignment[] = [];
  const waves: WaveAllocation[] = [];
  const warnings: string[] = [];

  for (const wave of plan.waves) {
    const weeks = (daysBetween(wave.startDate, wave.endDate) + 1) / 7;
    const available = new Map(sortedTeams.map((t) => [t.key, round(t.hoursPerWeek * weeks, 1)]));
    const load = new Map(sortedTeams.map((t) => [t.key, 0]));
    const work = wave.applicationKeys
      .map((key) => {
        const app = appByKey.get(key);
        // Applications without a decided strategy are costed as rehost: the cheapest move that still moves them.
        const strategy = strategyOf.get(key) ?? 'rehost';
        return { key, app, strategy, effort: migrationLabourHours(strategy, app?.assetKeys.length ?? 0, pricing) };
      })
      .sort((a, b) => b.effort - a.effort || byString(a.key, b.key));

    for (const w of work) {
      const stack = w.app?.techStack ?? [];
      const ranked = sortedTeams
        .map((t) => ({ t, skills: skillMatches(t, stack), rel: (load.get(t.key)! + w.effort) / Math.max(1, available.get(t.key)!) }))
        .sort((a, b) => b.skills.length - a.skills.length || a.rel - b.rel || byString(a.t.key, b.t.key));
      const best = ranked[0];
      if (best) load.set(best.t.key, load.get(best.t.key)! + w.effort);
      const strategyNote = strategyOf.has(w.key) ? w.strategy : 'rehost (no strategy recorded)';
      assignments.push({
        applicationKey: w.key,
        wave: wave.number,
        teamKey: best ? best.t.key : null,
        effortHours: w.effort,
        rationale: best
          ? `${w.effort} h for ${strategyNote} of ${w.app?.assetKeys.length ?? 0} assets → ${best.t.name}` +
            (best.skills.length > 0 ? ` (skills: ${best.skills.join(', ')})` : ' (no skill match; least-loaded team)') +
            `, team load ${round(load.get(best.t.key)!, 1)} of ${available.get(best.t.key)} h in wave ${wave.number}`
          : `${w.effort} h for ${strategyNote}: no team available`,
        confidence: clamp01(best === undefined ? 0.2 : best.skills.length > 0 ? 0.8 : 0.55),
        evidence: [appRef(w.key), ruleRef(`labour-${w.strategy}`)],
      });
    }

    const required = work.reduce((s, w) => s + w.effort, 0);
    const capacity = [...available.values()].reduce((s, h) => s + h, 0);
    const teamRows = sortedTeams.map((t) => ({ teamKey: t.key, assignedHours: round(load.get(t.key)!, 1), availableHours: available.get(t.key)! }));
    const overallocated = required > capacity || teamRows.some((r) => r.assignedHours > r.availableHours);
    if (overallocated) {
      const over = teamRows.filter((r) => r.assignedHours > r.availableHours).map((r) => `${r.teamKey} ${r.assignedHours}/${r.availableHours} h`);
      warnings.push(`wave ${wave.number} needs ${required} h against ${round(capacity, 1)} h available${over.length > 0 ? ` (${over.join(', ')})` : ''}`);
    }
    waves.push({
      wave: wave.number,
      requiredHours: required,
      availableHours: round(capacity, 1),
      utilisation: capacity > 0 ? round(required / capacity, 2) : 0,
      overallocated,
      teams: teamRows,
    });
  }
  return { assignments, waves, warnings };
}
