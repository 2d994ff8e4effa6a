/**
 * Assessment engines: readiness per asset, compliance findings, complexity, technical debt and risk per
 * application. Strategy selection lives in strategy.ts and is re-exported here so Assessment has one entry point.
 */
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency, Criticality, Explained } from './model';
import { appRef, assetRef, byString, clamp01, depRef, round, ruleRef, uniqueSorted } from './evidence';
import { assetsByApp, deriveAppDependencies, fanCounts } from './app-graph';
import {
  matchLifecycleRule,
  matchLifecycleRules,
  matchPlatformRules,
  type LifecycleMatch,
} from './rules/lifecycle';
import { matchStack, UNKNOWN_STACK_POINTS } from './rules/stack';

export { STRATEGIES, type Strategy } from './rules/seven-rs';
export { recommendStrategies, type PastOverride, type StrategyRecommendation } from './strategy';

// ───────────────────────────── readiness ─────────────────────────────

export type ReadinessStatus = 'ready' | 'conditionally_ready' | 'not_ready' | 'unknown';

export interface ReadinessReason {
  /** Rule id of the readiness check (also cited in evidence as rule:<id>). */
  code: string;
  severity: 'blocker' | 'condition' | 'info';
  detail: string;
  evidence: string[];
}

export interface AssetReadiness extends Explained {
  assetKey: string;
  status: ReadinessStatus;
  reasons: ReadinessReason[];
}

/** Thresholds beyond which a move needs special handling (bulk data transfer, high-memory instance families). */
export const READINESS_LIMITS = {
  largeStorageGb: 16_384,
  largeMemoryGb: 768,
  lowDependencyConfidence: 0.5,
} as const;

function missingCoreFields(a: CanonicalAsset): string[] {
  const missing: string[] = [];
  if (a.os === null && a.osFamily === 'unknown') missing.push('os');
  if (a.cpu === null) missing.push('cpu');
  if (a.memoryGb === null) missing.push('memory_gb');
  return missing;
}

/** Share of the fields the engines use that are present: drives confidence of every per-asset judgement. */
export function dataCompleteness(a: CanonicalAsset): number {
  const present = [
    a.os !== null || a.osFamily !== 'unknown',
    a.cpu !== null,
    a.memoryGb !== null,
    a.storageGb !== null,
    a.cpuUtilPct !== null,
    a.memoryUtilPct !== null,
    a.environment !== 'unknown',
    a.owner !== null,
  ];
  return present.filter(Boolean).length / present.length;
}

function intrinsicReasons(a: CanonicalAsset, asOf: string): ReadinessReason[] {
  const reasons: ReadinessReason[] = [];
  const self = assetRef(a.key);
  const missing = missingCoreFields(a);
  if (missing.length > 0) {
    reasons.push({
      code: 'ready-missing-data',
      severity: 'condition',
      detail: `missing ${missing.join(', ')}`,
      evidence: [self, ruleRef('ready-missing-data')],
    });
  }
  if (a.assetType === 'network_device') {
    reasons.push({
      code: 'ready-network-device',
      severity: 'blocker',
      detail: 'network devices are replaced by cloud networking, not migrated',
      evidence: [self, ruleRef('ready-network-device')],
    });
  }
  for (const rule of matchPlatformRules(a.os, a.osVersion)) {
    reasons.push({
      code: rule.id,
      severity: rule.severity,
      detail: `${rule.title}; ${rule.remediation}`,
      evidence: [self, ruleRef(rule.id)],
    });
  }
  const lifecycle = matchLifecycleRule(a.osFamily, a.os, a.osVersion, asOf);
  if (lifecycle && lifecycle.status !== 'supported') {
    const rule = lifecycle.rule;
    const importable = rule.cloudImportSupported;
    reasons.push({
      code: rule.id,
      severity: lifecycle.status === 'eol' && !importable ? 'blocker' : 'condition',
      detail:
        lifecycle.status === 'eol'
          ? `${rule.product} out of support since ${rule.endOfSupport}${importable ? '' : ' and no longer accepted by cloud VM import'}; upgrade to ${rule.upgradeTo}`
          : `${rule.product} reaches end of support on ${rule.endOfSupport} (${lifecycle.daysRemaining} days); plan the upgrade with the move`,
      evidence: [self, ruleRef(rule.id)],
    });
  }
  if (a.storageGb !== null && a.storageGb > READINESS_LIMITS.largeStorageGb) {
    reasons.push({
      code: 'ready-large-storage',
      severity: 'condition',
      detail: `${a.storageGb} GB of storage exceeds ${READINESS_LIMITS.largeStorageGb} GB: needs offline bulk transfer or long replication`,
      evidence: [self, ruleRef('ready-large-storage')],
    });
  }
  if (a.memoryGb !== null && a.memoryGb > READINESS_LIMITS.largeMemoryGb) {
    reasons.push({
      code: 'ready-large-memory',
      severity: 'condition',
      detail: `${a.memoryGb} GB of memory needs a high-memory instance family (check regional availability)`,
      evidence: [self, ruleRef('ready-large-memory')],
    });
  }
  if (a.powerState === 'off') {
    reasons.push({
      code: 'ready-powered-off',
      severity: 'info',
      detail: 'powered off: confirm it is still needed before migrating it',
      evidence: [self, ruleRef('ready-powered-off')],
    });
  }
  return reasons;
}

function statusOf(a: CanonicalAsset, reasons: readonly ReadinessReason[]): ReadinessStatus {
  if (reasons.some((r) => r.severity === 'blocker')) return 'not_ready';
  if (missingCoreFields(a).length >= 2) return 'unknown';
  return reasons.some((r) => r.severity === 'condition') ? 'conditionally_ready' : 'ready';
}

const STATUS_LABEL: Record<ReadinessStatus, string> = {
  ready: 'Ready',
  conditionally_ready: 'Conditionally ready',
  not_ready: 'Not ready',
  unknown: 'Unknown',
};

/**
 * Readiness per asset. Intrinsic checks come first; a second pass adds conditions from dependencies, because an
 * asset that depends on a not-ready asset can only move if that link is kept working across the hybrid boundary.
 */
export function assessReadiness(
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  asOf: string,
): AssetReadiness[] {
  const sorted = [...assets].sort((a, b) => byString(a.key, b.key));
  const intrinsic = new Map(sorted.map((a) => [a.key, intrinsicReasons(a, asOf)]));
  const firstStatus = new Map(sorted.map((a) => [a.key, statusOf(a, intrinsic.get(a.key)!)]));

  // Index edges by endpoint once: large inventories have tens of thousands of assets and edges.
  const touching = new Map<string, CanonicalDependency[]>();
  for (const d of deps) {
    for (const k of new Set([d.fromKey, d.toKey])) {
      const list = touching.get(k);
      if (list) list.push(d);
      else touching.set(k, [d]);
    }
  }

  return sorted.map((a) => {
    const reasons = [...intrinsic.get(a.key)!];
    const mine = touching.get(a.key) ?? [];
    const outgoing = mine.filter((d) => d.fromKey === a.key && d.toKey !== a.key);
    for (const d of outgoing.filter((x) => firstStatus.get(x.toKey) === 'not_ready')) {
      reasons.push({
        code: 'ready-depends-on-not-ready',
        severity: 'condition',
        detail: `depends on ${d.toKey}, which is not ready: keep a hybrid link or move them together`,
        evidence: [depRef(d.fromKey, d.toKey), assetRef(d.toKey), ruleRef('ready-depends-on-not-ready')],
      });
    }
    const uncertain = mine.filter((d) => d.confidence < READINESS_LIMITS.lowDependencyConfidence);
    if (uncertain.length > 0) {
      reasons.push({
        code: 'ready-uncertain-dependencies',
        severity: 'condition',
        detail: `${uncertain.length} dependenc${uncertain.length === 1 ? 'y has' : 'ies have'} confidence below ${READINESS_LIMITS.lowDependencyConfidence}: confirm before planning`,
        evidence: [...uncertain.map((d) => depRef(d.fromKey, d.toKey)), ruleRef('ready-uncertain-dependencies')],
      });
    }
    const status = statusOf(a, reasons);
    const completeness = dataCompleteness(a);
    const shown = reasons.filter((r) => r.severity !== 'info');
    return {
      assetKey: a.key,
      status,
      reasons,
      rationale:
        `${STATUS_LABEL[status]}: ` +
        (shown.length > 0 ? shown.map((r) => `${r.detail} (${r.code})`).join('; ') : 'no blocking or conditional findings') +
        `; ${Math.round(completeness * 100)}% of assessed fields present`,
      confidence: clamp01(0.4 + 0.55 * completeness),
      evidence: uniqueSorted([assetRef(a.key), ...reasons.flatMap((r) => r.evidence)]),
    };
  });
}

// ───────────────────────────── compliance ─────────────────────────────

export type ComplianceCategory = 'end_of_life_os' | 'end_of_life_database' | 'nearing_end_of_life' | 'unsupported_platform';

export interface ComplianceFinding extends Explained {
  id: string;
  assetKey: string;
  ruleId: string;
  category: ComplianceCategory;
  severity: 'critical' | 'high' | 'medium' | 'low';
  endOfSupport: string | null;
}

function lifecycleFinding(a: CanonicalAsset, m: LifecycleMatch, baseConfidence: number): ComplianceFinding | null {
  if (m.status === 'supported') return null;
  const exposed = a.environment === 'production' || a.criticality === 'critical' || a.criticality === 'high';
  const category: ComplianceCategory =
    m.status === 'nearing_eol' ? 'nearing_end_of_life' : m.rule.kind === 'os' ? 'end_of_life_os' : 'end_of_life_database';
  const severity = m.status === 'nearing_eol' ? 'medium' : exposed ? 'critical' : 'high';
  const when =
    m.status === 'eol'
      ? `has been out of support since ${m.rule.endOfSupport} (${-m.daysRemaining} days)`
      : `reaches end of support on ${m.rule.endOfSupport} (${m.daysRemaining} days)`;
  return {
    id: `${m.rule.id}:${a.key}`,
    assetKey: a.key,
    ruleId: m.rule.id,
    category,
    severity,
    endOfSupport: m.rule.endOfSupport,
    rationale: `${a.hostname} runs ${m.rule.product}, which ${when}; ${a.environment} environment, ${a.criticality} criticality → ${severity}. Upgrade to ${m.rule.upgradeTo}.`,
    confidence: clamp01(baseConfidence),
    evidence: [assetRef(a.key), ruleRef(m.rule.id)],
  };
}

/** End-of-life OS and database versions and unsupported platforms, per asset, ordered by severity then asset. */
export function checkCompliance(assets: readonly CanonicalAsset[], asOf: string): ComplianceFinding[] {
  const findings: ComplianceFinding[] = [];
  const severityRank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  for (const a of [...assets].sort((x, y) => byString(x.key, y.key))) {
    // A text match on an explicit OS family is near-certain; on an unknown family it may be a mis-mapped column.
    const base = a.osFamily === 'unknown' ? 0.75 : 0.92;
    const osMatch = matchLifecycleRule(a.osFamily, a.os, a.osVersion, asOf);
    const dbMatches = matchLifecycleRules(`${a.os ?? ''} ${a.osVersion ?? ''}`, asOf).filter(
      (m) => m.rule.kind === 'database' && m.rule.id !== osMatch?.rule.id,
    );
    for (const m of [osMatch, ...dbMatches]) {
      const f = m ? lifecycleFinding(a, m, base) : null;
      if (f) findings.push(f);
    }
    for (const rule of matchPlatformRules(a.os, a.osVersion)) {
      findings.push({
        id: `${rule.id}:${a.key}`,
        assetKey: a.key,
        ruleId: rule.id,
        category: 'unsupported_platform',
        severity: rule.severity === 'blocker' ? 'high' : 'medium',
        endOfSupport: null,
        rationale: `${a.hostname} (${a.os ?? ''} ${a.osVersion ?? ''}`.trimEnd() + `): ${rule.title}; ${rule.remediation}.`,
        confidence: clamp01(base),
        evidence: [assetRef(a.key), ruleRef(rule.id)],
      });
    }
  }
  return findings.sort((x, y) => severityRank[x.severity] - severityRank[y.severity] || byString(x.id, y.id));
}

// ───────────────────────────── complexity ─────────────────────────────

export interface ComplexityFactor {
  factor: 'size' | 'stack' | 'fan_in' | 'fan_out' | 'environments' | 'data';
  points: number;
  max: number;
  detail: string;
  evidence: string[];
}

export interface AppComplexity extends Explained {
  applicationKey: string;
  score: number;
  band: 'low' | 'medium' | 'high' | 'very_high';
  breakdown: ComplexityFactor[];
}

/** Maximum points per factor; they sum to 100 so the score reads as a percentage. */
export const COMPLEXITY_WEIGHTS = { size: 25, stack: 20, fan_in: 15, fan_out: 15, environments: 10, data: 15 } as const;
/** Points by number of distinct environments (index = count): one environment is no extra work. */
const ENVIRONMENT_POINTS = [0, 0, 4, 7, 10];

function band(score: number): AppComplexity['band'] {
  return score < 25 ? 'low' : score < 50 ? 'medium' : score < 75 ? 'high' : 'very_high';
}

/** The environments an application spans: declared ones plus those of its member assets. */
export function appEnvironments(app: CanonicalApplication, members: readonly CanonicalAsset[]): string[] {
  return uniqueSorted([...app.environments, ...members.map((m) => m.environment)].filter((e) => e !== 'unknown'));
}

export function analyseComplexity(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
): AppComplexity[] {
  const members = assetsByApp(apps, assets);
  const edges = deriveAppDependencies(apps, assets, deps);
  const { fanIn, fanOut } = fanCounts(edges);
  const edgeEvidence = (pred: (e: (typeof edges)[number]) => boolean): string[] =>
    edges.filter(pred).flatMap((e) => e.evidence);

  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const m = members.get(app.key) ?? [];
      const vcpu = m.reduce((s, a) => s + (a.cpu ?? 0), 0);
      const sizePts = Math.min(COMPLEXITY_WEIGHTS.size, Math.min(15, m.length * 1.5) + Math.min(10, vcpu / 16));
      const stackMatches = matchStack(app.techStack);
      const perEntry = app.techStack.map((entry) => {
        const pts = stackMatches.filter((s) => s.entry === entry).map((s) => s.trait.complexity);
        return { entry, points: pts.length > 0 ? Math.max(...pts) : UNKNOWN_STACK_POINTS };
      });
      const stackPts = Math.min(COMPLEXITY_WEIGHTS.stack, perEntry.reduce((s, e) => s + e.points, 0));
      const ins = fanIn.get(app.key) ?? [];
      const outs = fanOut.get(app.key) ?? [];
      const envs = appEnvironments(app, m);
      const dbCount = m.filter((a) => a.assetType === 'database').length;
      const storageTb = m.reduce((s, a) => s + (a.storageGb ?? 0), 0) / 1024;
      const dataPts = Math.min(COMPLEXITY_WEIGHTS.data, dbCount * 3 + storageTb * 2);
      const memberRefs = m.map((a) => assetRef(a.key));

      const breakdown: ComplexityFactor[] = [
        {
          factor: 'size',
          points: round(sizePts, 1),
          max: COMPLEXITY_WEIGHTS.size,
          detail: `${m.length} assets, ${vcpu} vCPU`,
          evidence: memberRefs,
        },
        {
          factor: 'stack',
          points: round(stackPts, 1),
          max: COMPLEXITY_WEIGHTS.stack,
          detail: perEntry.length > 0 ? perEntry.map((e) => `${e.entry} (${e.points})`).join(', ') : 'no stack recorded',
          evidence: uniqueSorted(stackMatches.map((s) => ruleRef(s.trait.id))),
        },
        {
          factor: 'fan_in',
          points: Math.min(COMPLEXITY_WEIGHTS.fan_in, ins.length * 3),
          max: COMPLEXITY_WEIGHTS.fan_in,
          detail: `${ins.length} dependent applications${ins.length > 0 ? ` (${ins.join(', ')})` : ''}`,
          evidence: uniqueSorted(edgeEvidence((e) => e.toApp === app.key)),
        },
        {
          factor: 'fan_out',
          points: Math.min(COMPLEXITY_WEIGHTS.fan_out, outs.length * 3),
          max: COMPLEXITY_WEIGHTS.fan_out,
          detail: `depends on ${outs.length} applications${outs.length > 0 ? ` (${outs.join(', ')})` : ''}`,
          evidence: uniqueSorted(edgeEvidence((e) => e.fromApp === app.key)),
        },
        {
          factor: 'environments',
          points: ENVIRONMENT_POINTS[Math.min(envs.length, ENVIRONMENT_POINTS.length - 1)],
          max: COMPLEXITY_WEIGHTS.environments,
          detail: `${envs.length} environments${envs.length > 0 ? ` (${envs.join(', ')})` : ''}`,
          evidence: memberRefs,
        },
        {
          factor: 'data',
          points: round(dataPts, 1),
          max: COMPLEXITY_WEIGHTS.data,
          detail: `${dbCount} database assets, ${round(storageTb, 2)} TB storage`,
          evidence: m.filter((a) => a.assetType === 'database').map((a) => assetRef(a.key)),
        },
      ];
      const score = Math.round(breakdown.reduce((s, f) => s + f.points, 0));
      const sized = m.filter((a) => a.cpu !== null && a.storageGb !== null).length;
      const top = [...breakdown].sort((x, y) => y.points - x.points).slice(0, 2);
      return {
        applicationKey: app.key,
        score,
        band: band(score),
        breakdown,
        rationale: `${app.name}: complexity ${score}/100 (${band(score)}), driven by ${top.map((f) => `${f.factor} ${f.points}/${f.max} — ${f.detail}`).join('; ')}`,
        // Without member assets or sizing the score is mostly stack and graph: trust it less.
        confidence: clamp01(m.length === 0 ? 0.3 : 0.5 + 0.4 * (sized / m.length)),
        evidence: uniqueSorted([appRef(app.key), ...breakdown.flatMap((f) => f.evidence)]),
      };
    });
}

// ───────────────────────────── technical debt ─────────────────────────────

export interface TechDebtItem extends Explained {
  id: string;
  applicationKey: string;
  ruleId: string;
  category: 'lifecycle' | 'legacy_stack' | 'ownership' | 'resilience' | 'environments';
  severity: 'high' | 'medium' | 'low';
  title: string;
  remediation: string;
}

export interface AppTechDebt {
  applicationKey: string;
  /** Sum of item weights (high 10, medium 5, low 2), capped at 100. */
  debtScore: number;
  items: TechDebtItem[];
}

const DEBT_WEIGHT = { high: 10, medium: 5, low: 2 } as const;

function lifecycleDebt(app: CanonicalApplication, subject: string, m: LifecycleMatch, evidence: string[]): TechDebtItem | null {
  if (m.status === 'supported') return null;
  const severity = m.status === 'eol' ? 'high' : 'medium';
  return {
    id: `${m.rule.id}:${app.key}:${subject}`,
    applicationKey: app.key,
    ruleId: m.rule.id,
    category: 'lifecycle',
    severity,
    title: `${m.rule.product} on ${subject} ${m.status === 'eol' ? 'is past' : 'nears'} end of support (${m.rule.endOfSupport})`,
    remediation: `upgrade to ${m.rule.upgradeTo}${m.rule.kind === 'database' ? ', or let a managed database service carry the upgrade' : ' as part of the migration (rebuild rather than lift)'}`,
    rationale: `${subject} runs ${m.rule.product}; end of support ${m.rule.endOfSupport} is ${Math.abs(m.daysRemaining)} days ${m.daysRemaining < 0 ? 'in the past' : 'away'} (${m.rule.id})`,
    confidence: 0.9,
    evidence: uniqueSorted([appRef(app.key), ruleRef(m.rule.id), ...evidence]),
  };
}

export function assessTechDebt(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  asOf: string,
): AppTechDebt[] {
  const members = assetsByApp(apps, assets);
  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const m = members.get(app.key) ?? [];
      const items: TechDebtItem[] = [];
      for (const a of m) {
        const match = matchLifecycleRule(a.osFamily, a.os, a.osVersion, asOf);
        const item = match ? lifecycleDebt(app, a.hostname, match, [assetRef(a.key)]) : null;
        if (item) items.push(item);
      }
      for (const entry of app.techStack) {
        for (const match of matchLifecycleRules(entry, asOf)) {
          const item = lifecycleDebt(app, `stack '${entry}'`, match, []);
          if (item) items.push(item);
        }
      }
      for (const { entry, trait } of matchStack(app.techStack).filter((s) => s.trait.debtHint !== undefined)) {
        const severity = trait.complexity >= 6 ? 'high' : 'medium';
        items.push({
          id: `${trait.id}:${app.key}:${entry}`,
          applicationKey: app.key,
          ruleId: trait.id,
          category: 'legacy_stack',
          severity,
          title: `legacy technology: ${entry} (${trait.label})`,
          remediation: trait.debtHint!,
          rationale: `stack entry '${entry}' matches ${trait.id} (${trait.label}), weighted ${trait.complexity}/10 for complexity`,
          confidence: 0.8,
          evidence: [appRef(app.key), ruleRef(trait.id)],
        });
      }
      const assetOwners = uniqueSorted(m.map((a) => a.owner).filter((o): o is string => o !== null));
      if (app.owner === null && assetOwners.length === 0) {
        items.push({
          id: `debt-no-owner:${app.key}`,
          applicationKey: app.key,
          ruleId: 'debt-no-owner',
          category: 'ownership',
          severity: 'medium',
          title: 'no accountable owner',
          remediation: 'name a business and a technical owner before the application is scheduled',
          rationale: `${app.name} has no owner and none of its ${m.length} assets has one either`,
          confidence: 0.85,
          evidence: uniqueSorted([appRef(app.key), ruleRef('debt-no-owner'), ...m.map((a) => assetRef(a.key))]),
        });
      }
      const prodServers = m.filter((a) => a.environment === 'production' && a.assetType === 'server');
      if ((app.criticality === 'critical' || app.criticality === 'high') && prodServers.length === 1) {
        items.push({
          id: `debt-single-instance:${app.key}`,
          applicationKey: app.key,
          ruleId: 'debt-single-instance',
          category: 'resilience',
          severity: 'high',
          title: 'single production server for a high-criticality application',
          remediation: 'deploy at least two instances across availability zones behind a load balancer in the target',
          rationale: `${app.criticality} criticality but only ${prodServers[0].hostname} serves production`,
          confidence: 0.75,
          evidence: [appRef(app.key), assetRef(prodServers[0].key), ruleRef('debt-single-instance')],
        });
      }
      const envs = appEnvironments(app, m);
      if (envs.length === 1 && envs[0] === 'production' && app.criticality !== 'low') {
        items.push({
          id: `debt-no-nonprod:${app.key}`,
          applicationKey: app.key,
          ruleId: 'debt-no-nonprod',
          category: 'environments',
          severity: 'medium',
          title: 'no non-production environment',
          remediation: 'create a test environment in the landing zone first; rehearse the migration there',
          rationale: `every known asset of ${app.name} is production (${m.length} assets): changes are tested in production`,
          confidence: 0.7,
          evidence: uniqueSorted([appRef(app.key), ruleRef('debt-no-nonprod'), ...m.map((a) => assetRef(a.key))]),
        });
      }
      items.sort((x, y) => byString(x.id, y.id));
      const debtScore = Math.min(100, items.reduce((s, i) => s + DEBT_WEIGHT[i.severity], 0));
      return { applicationKey: app.key, debtScore, items };
    });
}

// ───────────────────────────── risk ─────────────────────────────

export interface RiskFactor {
  code: string;
  /** 'likelihood' factors raise the chance of a failed move; 'impact' factors raise the damage if it fails. */
  axis: 'likelihood' | 'impact';
  detail: string;
  evidence: string[];
}

export interface AppRisk extends Explained {
  applicationKey: string;
  likelihood: number; // 1..5
  impact: number; // 1..5
  score: number; // likelihood × impact, 1..25
  level: 'low' | 'medium' | 'high' | 'critical';
  factors: RiskFactor[];
  mitigations: string[];
}

const IMPACT_BY_CRITICALITY: Record<Criticality, number> = { critical: 5, high: 4, medium: 3, low: 2, unknown: 3 };

/** One mitigation per risk factor code: the standard answer to that cause. */
export const RISK_MITIGATIONS: Record<string, string> = {
  'risk-complexity': 'rehearse the migration end to end in a non-production environment before the production wave',
  'risk-not-ready': 'resolve the blocking readiness findings before the application is scheduled',
  'risk-unknown-readiness': 'complete discovery data (OS, CPU, memory) for the assets with unknown readiness',
  'risk-uncertain-dependencies': 'confirm low-confidence dependencies with network flow data before planning waves',
  'risk-criticality': 'cut over in an agreed low-traffic window with a tested rollback and hypercare',
  'risk-dependents': 'agree the cutover window with dependent application owners and keep hybrid connectivity until they move',
  'risk-tier1': 'run a parallel-run or canary cutover and hold a go/no-go with the business owner',
};

function level(score: number): AppRisk['level'] {
  return score >= 16 ? 'critical' : score >= 10 ? 'high' : score >= 5 ? 'medium' : 'low';
}

export function assessRisk(
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  readiness: readonly AssetReadiness[],
  complexity: readonly AppComplexity[],
): AppRisk[] {
  const members = assetsByApp(apps, assets);
  const { fanIn } = fanCounts(deriveAppDependencies(apps, assets, deps));
  const readinessByAsset = new Map(readiness.map((r) => [r.assetKey, r]));
  const complexityByApp = new Map(complexity.map((c) => [c.applicationKey, c]));

  return [...apps]
    .sort((a, b) => byString(a.key, b.key))
    .map((app) => {
      const m = members.get(app.key) ?? [];
      const factors: RiskFactor[] = [];
      const c = complexityByApp.get(app.key);
      let likelihood = 1;
      if (c && c.score >= 50) {
        const add = c.score >= 75 ? 2 : 1;
        likelihood += add;
        factors.push({ code: 'risk-complexity', axis: 'likelihood', detail: `complexity ${c.score}/100 (+${add})`, evidence: [appRef(app.key)] });
      }
      const byStatus = (s: ReadinessStatus): CanonicalAsset[] => m.filter((a) => readinessByAsset.get(a.key)?.status === s);
      const notReady = byStatus('not_ready');
      if (notReady.length > 0) {
        likelihood += 1;
        factors.push({
          code: 'risk-not-ready',
          axis: 'likelihood',
          detail: `${notReady.length} not-ready assets (${notReady.map((a) => a.hostname).join(', ')})`,
          evidence: notReady.map((a) => assetRef(a.key)),
        });
      }
      const unknown = byStatus('unknown');
      if (unknown.length > 0) {
        likelihood += 1;
        factors.push({
          code: 'risk-unknown-readiness',
          axis: 'likelihood',
          detail: `${unknown.length} assets with unknown readiness`,
          evidence: unknown.map((a) => assetRef(a.key)),
        });
      }
      const memberKeys = new Set(m.map((a) => a.key));
      const uncertain = deps.filter(
        (d) =>
          (memberKeys.has(d.fromKey) || memberKeys.has(d.toKey)) && d.confidence < READINESS_LIMITS.lowDependencyConfidence,
      );
      if (uncertain.length > 0) {
        likelihood += 1;
        factors.push({
          code: 'risk-uncertain-dependencies',
          axis: 'likelihood',
          detail: `${uncertain.length} dependencies below ${READINESS_LIMITS.lowDependencyConfidence} confidence`,
          evidence: uncertain.map((d) => depRef(d.fromKey, d.toKey)),
        });
      }
      likelihood = Math.min(5, likelihood);

      let impact = IMPACT_BY_CRITICALITY[app.criticality];
      factors.push({ code: 'risk-criticality', axis: 'impact', detail: `${app.criticality} criticality (base ${impact})`, evidence: [appRef(app.key)] });
      const dependents = fanIn.get(app.key) ?? [];
      if (dependents.length >= 3) {
        impact += 1;
        factors.push({
          code: 'risk-dependents',
          axis: 'impact',
          detail: `${dependents.length} dependent applications (${dependents.join(', ')}) (+1)`,
          evidence: dependents.map(appRef),
        });
      }
      if (app.tier === 'tier1' && impact < 4) {
        impact = 4;
        factors.push({ code: 'risk-tier1', axis: 'impact', detail: 'tier 1 application (impact at least 4)', evidence: [appRef(app.key)] });
      }
      impact = Math.min(5, impact);
      const score = likelihood * impact;
      const mitigations = uniqueSorted(
        factors.filter((f) => f.code !== 'risk-criticality' || impact >= 4).map((f) => RISK_MITIGATIONS[f.code]),
      );
      // Unknown readiness and unknown criticality are themselves guesses: they lower confidence in the score.
      const guesses = (unknown.length > 0 ? 1 : 0) + (app.criticality === 'unknown' ? 1 : 0) + (c ? 0 : 1);
      return {
        applicationKey: app.key,
        likelihood,
        impact,
        score,
        level: level(score),
        factors,
        mitigations,
        rationale: `${app.name}: likelihood ${likelihood} × impact ${impact} = ${score} (${level(score)}); ${factors.map((f) => f.detail).join('; ')}`,
        confidence: clamp01(0.85 - 0.15 * guesses),
        evidence: uniqueSorted([appRef(app.key), ...factors.flatMap((f) => f.evidence), ...factors.map((f) => ruleRef(f.code))]),
      };
    });
}
