/**
 * Wave planning: applications in a dependency cycle are merged into one move group; move groups are placed
 * in dependency order (an application never moves before an application it depends on — dependencies go in
 * an earlier wave or the same one), filling waves up to capacity, lowest criticality first so the first waves
 * double as pilots. Wave dates skip blackout windows. The sibling modules allocate teams, build the timeline
 * and estimate costs for a plan; they are re-exported here so Planning has one entry point.
 */
import type { CanonicalApplication, Criticality, Explained } from './model';
import type { AppEdge } from './app-graph';
import { stronglyConnectedComponents } from './app-graph';
import { addDays, nextFreeWindow, type BlackoutWindow } from './dates';
import { appRef, byString, clamp01, ruleRef, uniqueSorted } from './evidence';

export { allocateResources, type ResourcePlan, type Team, type TeamAssignment, type WaveAllocation } from './planning-resources';
export { generateTimeline, type Timeline, type TimelineOptions, type TimelineTask } from './planning-timeline';
export { estimateCosts, type PlanCostEstimate, type WaveCost } from './planning-costs';

export interface WavePlanOptions {
  maxAppsPerWave: number;
  maxAssetsPerWave: number;
  startDate: string;
  waveLengthDays: number;
  blackoutWindows: BlackoutWindow[];
}

export interface MoveGroup {
  id: string;
  applicationKeys: string[];
  assetCount: number;
  /** True when the group exists because its applications depend on each other in a cycle. */
  cyclic: boolean;
  criticality: Criticality;
}

export interface Wave {
  number: number;
  startDate: string;
  endDate: string;
  applicationKeys: string[];
  moveGroupIds: string[];
  assetCount: number;
  maxCriticality: Criticality;
  /** Reasons of the blackout windows this wave was moved past. */
  blackoutsSkipped: string[];
}

export interface WavePlacement extends Explained {
  applicationKey: string;
  wave: number;
  moveGroupId: string;
}

export interface WavePlan {
  waves: Wave[];
  placements: WavePlacement[];
  moveGroups: MoveGroup[];
  warnings: string[];
}

/** Pilot-first order: low criticality moves first; unknown is treated like medium. */
export const CRITICALITY_ORDER: Record<Criticality, number> = { low: 0, medium: 1, unknown: 1, high: 2, critical: 3 };

function maxCriticality(values: readonly Criticality[]): Criticality {
  return values.reduce<Criticality>((m, c) => (CRITICALITY_ORDER[c] > CRITICALITY_ORDER[m] ? c : m), 'low');
}

function buildMoveGroups(apps: readonly CanonicalApplication[], deps: readonly AppEdge[]): MoveGroup[] {
  const byKey = new Map(apps.map((a) => [a.key, a]));
  const selfLoops = new Set(deps.filter((d) => d.fromApp === d.toApp).map((d) => d.fromApp));
  return stronglyConnectedComponents([...byKey.keys()], deps).map((members) => ({
    id: `group-${members[0]}`,
    applicationKeys: members,
    assetCount: members.reduce((s, k) => s + byKey.get(k)!.assetKeys.length, 0),
    cyclic: members.length > 1 || selfLoops.has(members[0]),
    criticality: maxCriticality(members.map((k) => byKey.get(k)!.criticality)),
  }));
}

function placementRationale(
  app: CanonicalApplication,
  wave: Wave,
  group: MoveGroup,
  outgoing: readonly AppEdge[],
  waveOf: ReadonlyMap<string, number>,
  oversize: boolean,
): { text: string; rules: string[] } {
  const parts = [`wave ${wave.number} (${wave.startDate} → ${wave.endDate})`];
  const rules: string[] = [];
  const external = outgoing.filter((e) => !group.applicationKeys.includes(e.toApp) && waveOf.has(e.toApp));
  if (external.length > 0) {
    rules.push('plan-dependency-order');
    parts.push(
      `depends on ${external
        .map((e) => `${e.toApp} (wave ${waveOf.get(e.toApp)}${waveOf.get(e.toApp) === wave.number ? ', same wave' : ''})`)
        .join(', ')}`,
    );
  } else {
    parts.push('no dependency on other planned applications');
  }
  if (group.applicationKeys.length > 1) {
    rules.push('plan-cycle-move-group');
    parts.push(`moves together with ${group.applicationKeys.filter((k) => k !== app.key).join(', ')} because they depend on each other in a cycle`);
  }
  rules.push('plan-criticality-order');
  parts.push(
    CRITICALITY_ORDER[app.criticality] === 0
      ? `${app.criticality} criticality: scheduled as early as dependencies allow, as a pilot`
      : `${app.criticality} criticality: after lower-criticality applications where dependencies allow`,
  );
  if (oversize) {
    rules.push('plan-capacity');
    parts.push(`its move group (${group.applicationKeys.length} apps, ${group.assetCount} assets) exceeds wave capacity and fills a wave alone`);
  }
  if (wave.blackoutsSkipped.length > 0) {
    rules.push('plan-blackout');
    parts.push(`dates moved past blackout: ${wave.blackoutsSkipped.join('; ')}`);
  }
  return { text: parts.join('; '), rules };
}

export function planWaves(
  apps: readonly CanonicalApplication[],
  deps: readonly AppEdge[],
  options: WavePlanOptions,
): WavePlan {
  const known = new Set(apps.map((a) => a.key));
  const edges = deps.filter((d) => known.has(d.fromApp) && known.has(d.toApp));
  const groups = buildMoveGroups(apps, edges);
  const groupOfApp = new Map(groups.flatMap((g) => g.applicationKeys.map((k) => [k, g] as const)));
  const dependsOn = new Map(groups.map((g) => [g.id, new Set<string>()]));
  const dependents = new Map(groups.map((g) => [g.id, new Set<string>()]));
  for (const e of edges) {
    const from = groupOfApp.get(e.fromApp)!;
    const to = groupOfApp.get(e.toApp)!;
    if (from.id === to.id) continue;
    dependsOn.get(from.id)!.add(to.id);
    dependents.get(to.id)!.add(from.id);
  }

  // Kahn's algorithm over the condensed (acyclic) graph. A group becomes "ready" once every group it depends on
  // is placed — in an earlier wave or in the wave being filled — so dependents may join their dependency's wave.
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const pending = new Map(groups.map((g) => [g.id, dependsOn.get(g.id)!.size]));
  const ready = groups.filter((g) => pending.get(g.id) === 0);
  const priority = (a: MoveGroup, b: MoveGroup): number =>
    CRITICALITY_ORDER[a.criticality] - CRITICALITY_ORDER[b.criticality] ||
    a.assetCount - b.assetCount ||
    byString(a.id, b.id);

  const waveGroups: MoveGroup[][] = [];
  const oversizeGroups = new Set<string>();
  let current: MoveGroup[] = [];
  let waveApps = 0;
  let waveAssets = 0;
  while (ready.length > 0) {
    ready.sort(priority);
    const fitIndex = ready.findIndex(
      (g) => waveApps + g.applicationKeys.length <= options.maxAppsPerWave && waveAssets + g.assetCount <= options.maxAssetsPerWave,
    );
    if (fitIndex < 0 && current.length > 0) {
      waveGroups.push(current);
      current = [];
      waveApps = 0;
      waveAssets = 0;
      continue;
    }
    const index = fitIndex < 0 ? 0 : fitIndex;
    const [group] = ready.splice(index, 1);
    if (fitIndex < 0) oversizeGroups.add(group.id);
    current.push(group);
    waveApps += group.applicationKeys.length;
    waveAssets += group.assetCount;
    for (const d of [...dependents.get(group.id)!].sort(byString)) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) ready.push(groupById.get(d)!);
    }
  }
  if (current.length > 0) waveGroups.push(current);

  const waves: Wave[] = [];
  let cursor = options.startDate.slice(0, 10);
  waveGroups.forEach((members, i) => {
    const window = nextFreeWindow(cursor, options.waveLengthDays, options.blackoutWindows);
    const keys = members.flatMap((g) => g.applicationKeys).sort(byString);
    waves.push({
      number: i + 1,
      startDate: window.start,
      endDate: window.end,
      applicationKeys: keys,
      moveGroupIds: members.map((g) => g.id).sort(byString),
      assetCount: members.reduce((s, g) => s + g.assetCount, 0),
      maxCriticality: maxCriticality(members.map((g) => g.criticality)),
      blackoutsSkipped: window.skipped.map((b) => `${b.reason} (${b.start.slice(0, 10)} → ${b.end.slice(0, 10)})`),
    });
    cursor = addDays(window.end, 1);
  });

  const waveOf = new Map(waves.flatMap((w) => w.applicationKeys.map((k) => [k, w.number] as const)));
  const placements: WavePlacement[] = [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const group = groupOfApp.get(app.key)!;
      const wave = waves[waveOf.get(app.key)! - 1];
      const outgoing = edges.filter((e) => e.fromApp === app.key && e.toApp !== app.key);
      const oversize = oversizeGroups.has(group.id);
      const { text, rules } = placementRationale(app, wave, group, outgoing, waveOf, oversize);
      // Ordering is only as good as the weakest dependency it relies on; an over-capacity wave is a compromise.
      const weakest = outgoing.reduce((m, e) => Math.min(m, e.confidence), 1);
      return {
        applicationKey: app.key,
        wave: wave.number,
        moveGroupId: group.id,
        rationale: text,
        confidence: clamp01(0.6 + 0.35 * weakest - (oversize ? 0.2 : 0)),
        evidence: uniqueSorted([
          appRef(app.key),
          ...group.applicationKeys.map(appRef),
          ...outgoing.flatMap((e) => [appRef(e.toApp), ...e.evidence]),
          ...rules.map(ruleRef),
        ]),
      };
    });

  const warnings = groups
    .filter((g) => oversizeGroups.has(g.id))
    .map(
      (g) =>
        `move group ${g.id} (${g.applicationKeys.join(', ')}: ${g.applicationKeys.length} apps, ${g.assetCount} assets) exceeds capacity of ${options.maxAppsPerWave} apps / ${options.maxAssetsPerWave} assets per wave`,
    );
  return { waves, placements, moveGroups: groups, warnings };
}

/**
 * Violations of the planning rules in a (possibly user-edited) plan: an application in more than one wave,
 * an application placed before one it depends on, and members of a dependency cycle split across waves.
 */
export function validateWavePlan(
  plan: { waves: readonly { number: number; applicationKeys: readonly string[] }[] },
  deps: readonly { fromApp: string; toApp: string }[],
): string[] {
  const violations: string[] = [];
  const waveOf = new Map<string, number>();
  for (const wave of [...plan.waves].sort((a, b) => a.number - b.number)) {
    for (const key of wave.applicationKeys) {
      const seen = waveOf.get(key);
      if (seen !== undefined) violations.push(`${key} is placed in both wave ${seen} and wave ${wave.number}`);
      else waveOf.set(key, wave.number);
    }
  }
  const numbers = plan.waves.map((w) => w.number);
  for (const n of uniqueSorted(numbers.map(String)).map(Number)) {
    if (numbers.filter((x) => x === n).length > 1) violations.push(`wave number ${n} is used more than once`);
  }
  const edges = deps
    .filter((d) => d.fromApp !== d.toApp && waveOf.has(d.fromApp) && waveOf.has(d.toApp))
    .sort((a, b) => byString(a.fromApp, b.fromApp) || byString(a.toApp, b.toApp));
  for (const e of edges) {
    const from = waveOf.get(e.fromApp)!;
    const to = waveOf.get(e.toApp)!;
    if (to > from) {
      violations.push(
        `${e.fromApp} (wave ${from}) depends on ${e.toApp} (wave ${to}): a dependency must move in the same or an earlier wave`,
      );
    }
  }
  for (const component of stronglyConnectedComponents([...waveOf.keys()], edges)) {
    const wavesUsed = uniqueSorted(component.map((k) => String(waveOf.get(k)))).map(Number).sort((a, b) => a - b);
    if (component.length > 1 && wavesUsed.length > 1) {
      violations.push(`dependency cycle ${component.join(', ')} is split across waves ${wavesUsed.join(', ')}: it must move together`);
    }
  }
  return violations;
}
