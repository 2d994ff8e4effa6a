/**
 * 7R strategy recommendation: builds a profile of each application from the inventory and the earlier
 * assessment results, scores every strategy with the weighted decision table in rules/seven-rs.ts, and lets
 * the tenant's past overrides on similar applications nudge the result (the strategy gate's feedback loop).
 */
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency, Explained } from './model';
import type { AppComplexity, AppRisk, AssetReadiness, ComplianceFinding } from './assessment';
import { appRef, assetRef, byString, clamp01, round, ruleRef, uniqueSorted } from './evidence';
import { assetsByApp, deriveAppDependencies, fanCounts } from './app-graph';
import { LIFECYCLE_RULES, matchPlatformRules } from './rules/lifecycle';
import { detectDbEngine, matchStack } from './rules/stack';
import { STRATEGIES, STRATEGY_CRITERIA, targetServiceFor, type AppProfile, type Strategy } from './rules/seven-rs';

export interface PastOverride {
  applicationKey: string;
  strategy: Strategy;
  reason: string;
}

export interface ConsideredOverride extends PastOverride {
  /** 1 for the same application; otherwise stack overlap (Jaccard) for an application of equal criticality. */
  similarity: number;
  /** Score added to the overridden strategy. */
  nudge: number;
}

export interface StrategyRecommendation extends Explained {
  applicationKey: string;
  strategy: Strategy;
  targetService: string;
  /** Ids of the decision-table rows that voted for the chosen strategy. */
  matchedCriteria: string[];
  scores: Record<Strategy, number>;
  alternative: { strategy: Strategy; score: number } | null;
  overridesConsidered: ConsideredOverride[];
}

/** An override counts as "similar" from this stack overlap on (equal criticality); below it, it is ignored. */
export const OVERRIDE_SIMILARITY_THRESHOLD = 0.5;
/** Nudge for an override of the very same application, and the maximum for a similar one. */
const SAME_APP_NUDGE = 1.5;
const SIMILAR_APP_NUDGE = 0.4;

function jaccard(a: readonly string[], b: readonly string[]): number {
  const x = new Set(a.map((s) => s.toLowerCase().trim()));
  const y = new Set(b.map((s) => s.toLowerCase().trim()));
  if (x.size === 0 && y.size === 0) return 0;
  const inter = [...x].filter((v) => y.has(v)).length;
  return inter / (x.size + y.size - inter);
}

function buildProfile(
  app: CanonicalApplication,
  members: readonly CanonicalAsset[],
  fanIn: number,
  readiness: ReadonlyMap<string, AssetReadiness>,
  compliance: readonly ComplianceFinding[],
  complexity: AppComplexity | undefined,
  risk: AppRisk | undefined,
): AppProfile {
  const memberKeys = new Set(members.map((a) => a.key));
  const findings = compliance.filter((f) => memberKeys.has(f.assetKey));
  const ruleById = new Map(LIFECYCLE_RULES.map((r) => [r.id, r]));
  const utils = members.map((a) => a.cpuUtilPct).filter((u): u is number => u !== null);
  const stack = matchStack(app.techStack);
  const dbAssetEngine = members
    .filter((a) => a.assetType === 'database')
    .map((a) => detectDbEngine(`${a.os ?? ''} ${a.osVersion ?? ''}`))
    .find((e) => e !== null);
  const saas = stack.find((s) => s.trait.saas !== undefined);
  return {
    applicationKey: app.key,
    criticality: app.criticality,
    tier: app.tier,
    assetCount: members.length,
    poweredOffCount: members.filter((a) => a.powerState === 'off').length,
    avgCpuUtilPct: utils.length > 0 ? round(utils.reduce((s, u) => s + u, 0) / utils.length, 1) : null,
    notReadyCount: members.filter((a) => readiness.get(a.key)?.status === 'not_ready').length,
    fanIn,
    complexity: complexity?.score ?? 0,
    riskScore: risk?.score ?? 0,
    platformBlockers: uniqueSorted(
      members.flatMap((a) => matchPlatformRules(a.os, a.osVersion).filter((r) => r.severity === 'blocker').map((r) => r.id)),
    ),
    nonImportableOs: uniqueSorted(
      findings
        .filter((f) => f.category === 'end_of_life_os' && ruleById.get(f.ruleId)?.cloudImportSupported === false)
        .map((f) => f.ruleId),
    ),
    eolDatabases: uniqueSorted(findings.filter((f) => f.category === 'end_of_life_database').map((f) => f.ruleId)),
    dbEngine: dbAssetEngine ?? stack.find((s) => s.trait.dbEngine !== undefined)?.trait.dbEngine ?? null,
    modernRuntimes: uniqueSorted(
      stack.filter((s) => s.trait.category === 'runtime' && s.trait.containerFriendly).map((s) => s.entry),
    ),
    saas: saas ? { entry: saas.entry, product: saas.trait.saas! } : null,
    vmware: stack.some((s) => s.trait.id === 'stack-vmware'),
  };
}

function considerOverrides(
  app: CanonicalApplication,
  appsByKey: ReadonlyMap<string, CanonicalApplication>,
  overrides: readonly PastOverride[],
): ConsideredOverride[] {
  const considered: ConsideredOverride[] = [];
  for (const o of overrides) {
    if (o.applicationKey === app.key) {
      considered.push({ ...o, similarity: 1, nudge: SAME_APP_NUDGE });
      continue;
    }
    const other = appsByKey.get(o.applicationKey);
    if (!other || other.criticality !== app.criticality) continue;
    const similarity = round(jaccard(app.techStack, other.techStack), 2);
    if (similarity >= OVERRIDE_SIMILARITY_THRESHOLD) {
      considered.push({ ...o, similarity, nudge: round(SIMILAR_APP_NUDGE * similarity, 2) });
    }
  }
  return considered.sort((a, b) => byString(a.applicationKey, b.applicationKey) || byString(a.strategy, b.strategy));
}

export function recommendStrategies(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  readiness: readonly AssetReadiness[],
  compliance: readonly ComplianceFinding[],
  complexity: readonly AppComplexity[],
  risk: readonly AppRisk[],
  pastOverrides: readonly PastOverride[],
): StrategyRecommendation[] {
  const members = assetsByApp(apps, assets);
  const { fanIn } = fanCounts(deriveAppDependencies(apps, assets, deps));
  const readinessByAsset = new Map(readiness.map((r) => [r.assetKey, r]));
  const complexityByApp = new Map(complexity.map((c) => [c.applicationKey, c]));
  const riskByApp = new Map(risk.map((r) => [r.applicationKey, r]));
  const appsByKey = new Map(apps.map((a) => [a.key, a]));

  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const m = members.get(app.key) ?? [];
      const profile = buildProfile(
        app,
        m,
        (fanIn.get(app.key) ?? []).length,
        readinessByAsset,
        compliance,
        complexityByApp.get(app.key),
        riskByApp.get(app.key),
      );
      const votes = STRATEGY_CRITERIA.map((c) => ({ c, reason: c.when(profile) })).filter(
        (v): v is { c: (typeof STRATEGY_CRITERIA)[number]; reason: string } => v.reason !== null,
      );
      const overrides = considerOverrides(app, appsByKey, pastOverrides);
      const scores = Object.fromEntries(STRATEGIES.map((s) => [s, 0])) as Record<Strategy, number>;
      for (const v of votes) scores[v.c.strategy] += v.c.weight;
      for (const o of overrides) scores[o.strategy] += o.nudge;
      for (const s of STRATEGIES) scores[s] = round(scores[s], 2);

      // Highest score wins; ties resolve in STRATEGIES order (least change first) so the result is stable.
      const ranked = [...STRATEGIES].sort((a, b) => scores[b] - scores[a] || STRATEGIES.indexOf(a) - STRATEGIES.indexOf(b));
      const strategy = ranked[0];
      const runnerUp = ranked[1];
      const chosenVotes = votes.filter((v) => v.c.strategy === strategy);
      const chosenOverrides = overrides.filter((o) => o.strategy === strategy);
      const targetService = targetServiceFor(strategy, profile);

      const top = scores[strategy];
      const margin = top > 0 ? (top - scores[runnerUp]) / top : 0;
      const completeness = m.length === 0 ? 0.5 : m.filter((a) => a.os !== null && a.cpu !== null && a.memoryGb !== null).length / m.length;
      const sameApp = chosenOverrides.some((o) => o.similarity === 1);
      const confidence = sameApp ? 0.95 : clamp01((0.45 + 0.45 * margin) * (0.6 + 0.4 * completeness));

      const reasons = chosenVotes.map((v) => `${v.reason} (${v.c.id})`);
      const overrideText = overrides.map(
        (o) =>
          `past override on ${o.applicationKey === app.key ? 'this application' : `similar application ${o.applicationKey} (criticality ${app.criticality}, stack overlap ${Math.round(o.similarity * 100)}%)`} chose ${o.strategy}: "${o.reason}"`,
      );
      const rationale =
        `${strategy} → ${targetService} (score ${top}` +
        (scores[runnerUp] > 0 ? ` vs ${runnerUp} ${scores[runnerUp]}` : '') +
        `): ` +
        [...reasons, ...overrideText].join('; ');

      const complianceRefs = compliance
        .filter((f) => m.some((a) => a.key === f.assetKey))
        .map((f) => ruleRef(f.ruleId));
      return {
        applicationKey: app.key,
        strategy,
        targetService,
        matchedCriteria: chosenVotes.map((v) => v.c.id),
        scores,
        alternative: scores[runnerUp] > 0 ? { strategy: runnerUp, score: scores[runnerUp] } : null,
        overridesConsidered: overrides,
        rationale,
        confidence,
        evidence: uniqueSorted([
          appRef(app.key),
          ...m.map((a) => assetRef(a.key)),
          ...chosenVotes.map((v) => ruleRef(v.c.id)),
          ...complianceRefs,
          ...overrides.map((o) => appRef(o.applicationKey)),
        ]),
      };
    });
}
