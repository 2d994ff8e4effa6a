/**
 * FinOps: current cost by application / environment / owner, optimisation candidates (rightsizing, idle and
 * zombie assets, commitment purchases) prioritised by saving × confidence, and a monthly budget forecast that
 * includes the platform's own LLM spend.
 */
import type { CanonicalApplication, CanonicalAsset, Explained } from './model';
import { membershipIndex } from './app-graph';
import { assetRef, byString, clamp01, round, ruleRef, uniqueSorted } from './evidence';
import { matchPlatformRules } from './rules/lifecycle';
import { DEFAULT_PRICING, onPremMonthlyCost, rightsize, type PricingTable } from './pricing';

export interface CostLine {
  assetKey: string;
  applicationKeys: string[];
  environment: string;
  owner: string;
  monthlyCost: number;
  estimated: boolean;
}

export interface CostBucket {
  key: string;
  monthlyCost: number;
  /** Share of this bucket's cost that is estimated from size rather than imported. */
  estimatedShare: number;
  assetCount: number;
}

export interface CostAnalysis extends Explained {
  totalMonthly: number;
  lines: CostLine[];
  byApplication: CostBucket[];
  byEnvironment: CostBucket[];
  byOwner: CostBucket[];
}

/** Bucket for cost that no application / owner claims: visible so someone is made to claim it. */
export const UNASSIGNED = 'unassigned';

function bucketise(entries: readonly { key: string; cost: number; estimated: boolean; assetKey: string }[]): CostBucket[] {
  const map = new Map<string, { cost: number; est: number; assets: Set<string> }>();
  for (const e of entries) {
    const b = map.get(e.key) ?? { cost: 0, est: 0, assets: new Set<string>() };
    b.cost += e.cost;
    if (e.estimated) b.est += e.cost;
    b.assets.add(e.assetKey);
    map.set(e.key, b);
  }
  return [...map]
    .map(([key, b]) => ({ key, monthlyCost: round(b.cost), estimatedShare: b.cost > 0 ? round(b.est / b.cost, 2) : 0, assetCount: b.assets.size }))
    .sort((a, b) => b.monthlyCost - a.monthlyCost || byString(a.key, b.key));
}

export function analyseCosts(
  assets: readonly CanonicalAsset[],
  apps: readonly CanonicalApplication[],
  pricing: PricingTable = DEFAULT_PRICING,
): CostAnalysis {
  const index = membershipIndex(apps, assets);
  const appOwner = new Map(apps.map((a) => [a.key, a.owner]));
  const lines: CostLine[] = [...assets]
    .sort((a, b) => byString(a.key, b.key))
    .map((a) => {
      const cost = onPremMonthlyCost(a, pricing);
      const appKeys = index.get(a.key) ?? [];
      // The asset's own owner wins; otherwise the owner of its (first) application.
      const owner = a.owner ?? appKeys.map((k) => appOwner.get(k)).find((o): o is string => !!o) ?? UNASSIGNED;
      return { assetKey: a.key, applicationKeys: appKeys, environment: a.environment, owner, monthlyCost: cost.monthly, estimated: cost.estimated };
    });
  // A shared asset's cost is split evenly across its applications so that the per-app totals add up.
  const byApplication = bucketise(
    lines.flatMap((l) =>
      l.applicationKeys.length === 0
        ? [{ key: UNASSIGNED, cost: l.monthlyCost, estimated: l.estimated, assetKey: l.assetKey }]
        : l.applicationKeys.map((k) => ({ key: k, cost: l.monthlyCost / l.applicationKeys.length, estimated: l.estimated, assetKey: l.assetKey })),
    ),
  );
  const byEnvironment = bucketise(lines.map((l) => ({ key: l.environment, cost: l.monthlyCost, estimated: l.estimated, assetKey: l.assetKey })));
  const byOwner = bucketise(lines.map((l) => ({ key: l.owner, cost: l.monthlyCost, estimated: l.estimated, assetKey: l.assetKey })));
  const total = round(lines.reduce((s, l) => s + l.monthlyCost, 0));
  const estimatedCount = lines.filter((l) => l.estimated).length;
  return {
    totalMonthly: total,
    lines,
    byApplication,
    byEnvironment,
    byOwner,
    rationale:
      `${lines.length} assets cost ${total}/month; ${estimatedCount} estimated from size, ${lines.length - estimatedCount} imported` +
      (byApplication.length > 0 ? `; largest application ${byApplication[0].key} at ${byApplication[0].monthlyCost}/month` : ''),
    confidence: clamp01(lines.length === 0 ? 0.5 : 0.95 - 0.4 * (estimatedCount / lines.length)),
    evidence: uniqueSorted([...lines.map((l) => assetRef(l.assetKey)), ruleRef('finops-cost-allocation')]),
  };
}

// ───────────────────────────── optimisation ─────────────────────────────

export interface Optimisation extends Explained {
  id: string;
  kind: 'zombie' | 'idle' | 'rightsize' | 'commitment';
  assetKey: string;
  monthlySaving: number;
  /** monthlySaving × confidence: the ordering key. */
  priorityScore: number;
}

/** Rules thresholds: below IDLE_CPU_PCT an asset is idle; commitment needs steady production use in this band. */
export const FINOPS_THRESHOLDS = { idleCpuPct: 5, commitmentMinCpuPct: 20, commitmentMaxCpuPct: 90, minSaving: 1 } as const;

export function identifyOptimisations(
  assets: readonly CanonicalAsset[],
  pricing: PricingTable = DEFAULT_PRICING,
): Optimisation[] {
  const out: Optimisation[] = [];
  const push = (o: Omit<Optimisation, 'priorityScore'>): void => {
    if (o.monthlySaving >= FINOPS_THRESHOLDS.minSaving) out.push({ ...o, priorityScore: round(o.monthlySaving * o.confidence) });
  };
  for (const a of [...assets].sort((x, y) => byString(x.key, y.key))) {
    const cost = onPremMonthlyCost(a, pricing);
    const costNote = `${cost.monthly}/month (${cost.estimated ? 'estimated from size' : 'imported'})`;
    // Each asset gets at most one of zombie/idle (remove it) or rightsize+commitment (keep it, cheaper):
    // savings of exclusive actions must not be added up.
    if (a.powerState === 'off') {
      push({
        id: `finops-zombie:${a.key}`,
        kind: 'zombie',
        assetKey: a.key,
        monthlySaving: cost.monthly,
        rationale: `${a.hostname} is powered off but still costs ${costNote} in storage, licences and support: decommission or archive it`,
        confidence: clamp01(cost.estimated ? 0.6 : 0.75),
        evidence: [assetRef(a.key), ruleRef('finops-zombie')],
      });
      continue;
    }
    if (a.cpuUtilPct !== null && a.cpuUtilPct < FINOPS_THRESHOLDS.idleCpuPct) {
      // A busy memory footprint on an idle CPU is often a cache or standby node: less sure it is waste.
      const memBusy = a.memoryUtilPct !== null && a.memoryUtilPct > 50;
      push({
        id: `finops-idle:${a.key}`,
        kind: 'idle',
        assetKey: a.key,
        monthlySaving: cost.monthly,
        rationale: `${a.hostname} averages ${a.cpuUtilPct}% CPU (under ${FINOPS_THRESHOLDS.idleCpuPct}%)${memBusy ? ` but ${a.memoryUtilPct}% memory` : ''}; costs ${costNote}: confirm with the owner and retire`,
        confidence: clamp01((memBusy ? 0.35 : 0.6) * (cost.estimated ? 0.85 : 1)),
        evidence: [assetRef(a.key), ruleRef('finops-idle')],
      });
      continue;
    }
    // Non-x86 platforms (AIX, Solaris, …) have no catalogue instance: cloud sizing and commitments do not apply.
    if (matchPlatformRules(a.os, a.osVersion).some((r) => r.severity === 'blocker')) continue;
    const sized = rightsize(a, pricing);
    if (sized.target && sized.monthlySaving > 0) {
      push({
        id: `finops-rightsize:${a.key}`,
        kind: 'rightsize',
        assetKey: a.key,
        monthlySaving: sized.monthlySaving,
        rationale: sized.rationale,
        confidence: sized.confidence,
        evidence: uniqueSorted([...sized.evidence, ruleRef('finops-rightsize')]),
      });
    }
    const steady =
      a.environment === 'production' &&
      a.cpuUtilPct !== null &&
      a.cpuUtilPct >= FINOPS_THRESHOLDS.commitmentMinCpuPct &&
      a.cpuUtilPct <= FINOPS_THRESHOLDS.commitmentMaxCpuPct;
    if (steady && sized.targetMonthly !== null) {
      const saving = round(sized.targetMonthly * pricing.cloud.commitmentDiscount);
      push({
        id: `finops-commitment:${a.key}`,
        kind: 'commitment',
        assetKey: a.key,
        monthlySaving: saving,
        rationale: `${a.hostname} is production at a steady ${a.cpuUtilPct}% CPU: a 1-year commitment on ${sized.target!.name} (${sized.targetMonthly}/month) saves ${round(pricing.cloud.commitmentDiscount * 100, 1)}% = ${saving}/month`,
        confidence: 0.7,
        evidence: [assetRef(a.key), ruleRef('finops-commitment')],
      });
    }
  }
  return out.sort((x, y) => y.priorityScore - x.priorityScore || byString(x.id, y.id));
}

// ───────────────────────────── budget ─────────────────────────────

export interface BudgetOptions {
  months: number;
  /** First forecast month, YYYY-MM. */
  startMonth: string;
  monthlyGrowthPct: number;
  /** The platform's own LLM spend for this tenant, per month. */
  llmMonthlySpend: number;
  /** Share of identified savings expected to be realised (0..1). */
  adoption: number;
  /** Months over which adopted savings ramp up linearly. */
  rampMonths: number;
  contingencyPct: number;
}

export interface BudgetMonth {
  month: string;
  infrastructure: number;
  savings: number;
  llm: number;
  total: number;
}

export interface BudgetForecast extends Explained {
  months: BudgetMonth[];
  total: number;
  budgetWithContingency: number;
}

function monthLabel(start: string, offset: number): string {
  const [y, m] = start.split('-').map(Number);
  const index = y * 12 + (m - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function forecastBudget(costs: CostAnalysis, optimisations: readonly Optimisation[], options: BudgetOptions): BudgetForecast {
  // Savings are weighted by confidence: an unverified idle server is not a full saving in a budget.
  const expectedSaving = optimisations.reduce((s, o) => s + o.monthlySaving * o.confidence, 0) * options.adoption;
  const ramp = Math.max(1, options.rampMonths);
  const months: BudgetMonth[] = [];
  for (let i = 0; i < options.months; i++) {
    const infrastructure = costs.totalMonthly * (1 + options.monthlyGrowthPct / 100) ** i;
    const savings = expectedSaving * Math.min(1, (i + 1) / ramp);
    months.push({
      month: monthLabel(options.startMonth, i),
      infrastructure: round(infrastructure),
      savings: round(savings),
      llm: round(options.llmMonthlySpend),
      total: round(infrastructure - savings + options.llmMonthlySpend),
    });
  }
  const total = round(months.reduce((s, m) => s + m.total, 0));
  const budget = round(total * (1 + options.contingencyPct / 100));
  return {
    months,
    total,
    budgetWithContingency: budget,
    rationale:
      `${options.months} months from ${options.startMonth}: run-rate ${costs.totalMonthly}/month growing ${options.monthlyGrowthPct}%/month, ` +
      `${optimisations.length} optimisations worth ${round(expectedSaving)}/month (confidence-weighted, ${options.adoption * 100}% adoption, ${ramp}-month ramp), ` +
      `LLM spend ${options.llmMonthlySpend}/month → ${total}, budget ${budget} with ${options.contingencyPct}% contingency`,
    confidence: clamp01(costs.confidence * (options.months > 12 ? 0.8 : 0.95)),
    evidence: uniqueSorted([...optimisations.map((o) => ruleRef(`finops-${o.kind}`)), ruleRef('finops-budget'), ...optimisations.map((o) => assetRef(o.assetKey))]),
  };
}
