/**
 * Cost estimate per wave: one-time migration cost (labour by strategy + data transfer) and monthly run-rate
 * before (imported or size-estimated on-premises cost) and after (rightsized cloud cost by strategy).
 */
import type { CanonicalApplication, CanonicalAsset, Explained } from './model';
import type { WavePlan } from './planning';
import type { Strategy } from './rules/seven-rs';
import { assetsByApp } from './app-graph';
import { appRef, assetRef, clamp01, round, ruleRef, uniqueSorted } from './evidence';
import { cloudMonthlyCost, migrationCost, onPremMonthlyCost, rightsize, type PricingTable } from './pricing';

export interface WaveCost extends Explained {
  wave: number;
  oneTimeCost: number;
  labourHours: number;
  runRateBefore: number;
  runRateAfter: number;
  monthlySaving: number;
}

export interface PlanCostEstimate {
  waves: WaveCost[];
  totals: { oneTimeCost: number; runRateBefore: number; runRateAfter: number; monthlySaving: number; paybackMonths: number | null };
  assumptions: string[];
}

/** Monthly cost of an asset after the move, by strategy. */
function afterCost(asset: CanonicalAsset, strategy: Strategy, before: number, pricing: PricingTable): number {
  switch (strategy) {
    case 'retire':
      return 0;
    case 'retain':
    case 'repurchase': // the SaaS subscription is not in the catalogue: current cost is carried as a stand-in
      return before;
    case 'relocate':
    case 'rehost':
    case 'replatform':
    case 'refactor': {
      const sized = rightsize(asset, pricing);
      if (sized.target === null) return before;
      const managed = strategy === 'replatform' && asset.assetType === 'database';
      return cloudMonthlyCost(sized.target, asset, managed, pricing);
    }
  }
}

export function estimateCosts(
  plan: WavePlan,
  apps: readonly CanonicalApplication[],
  assets: readonly CanonicalAsset[],
  strategies: readonly { applicationKey: string; strategy: Strategy }[],
  pricing: PricingTable,
): PlanCostEstimate {
  const members = assetsByApp(apps, assets);
  const strategyOf = new Map(strategies.map((s) => [s.applicationKey, s.strategy]));
  // An asset shared by several applications is costed once, with the first wave that moves it.
  const costed = new Set<string>();
  const waves: WaveCost[] = [];
  for (const wave of [...plan.waves].sort((a, b) => a.number - b.number)) {
    let oneTime = 0;
    let hours = 0;
    let before = 0;
    let after = 0;
    let estimatedCount = 0;
    let unsizedCount = 0;
    const evidence: string[] = [];
    const perStrategy = new Map<Strategy, number>();
    for (const key of wave.applicationKeys) {
      const strategy = strategyOf.get(key) ?? 'rehost';
      const own = (members.get(key) ?? []).filter((a) => !costed.has(a.key));
      own.forEach((a) => costed.add(a.key));
      const move = migrationCost(strategy, own, pricing);
      oneTime += move.total;
      hours += move.labourHours;
      perStrategy.set(strategy, (perStrategy.get(strategy) ?? 0) + 1);
      evidence.push(appRef(key), ruleRef(`labour-${strategy}`));
      for (const a of own) {
        const current = onPremMonthlyCost(a, pricing);
        if (current.estimated) estimatedCount += 1;
        if (a.cpu === null || a.memoryGb === null) unsizedCount += 1;
        before += current.monthly;
        after += afterCost(a, strategy, current.monthly, pricing);
        evidence.push(assetRef(a.key));
      }
    }
    const assetTotal = wave.assetCount;
    const mix = [...perStrategy].map(([s, n]) => `${n} ${s}`).join(', ');
    waves.push({
      wave: wave.number,
      oneTimeCost: round(oneTime),
      labourHours: hours,
      runRateBefore: round(before),
      runRateAfter: round(after),
      monthlySaving: round(before - after),
      rationale:
        `wave ${wave.number}: ${wave.applicationKeys.length} apps (${mix || 'none'}), ${hours} labour h → one-time ${round(oneTime)}; ` +
        `run-rate ${round(before)}/month before, ${round(after)}/month after` +
        (estimatedCount > 0 ? `; ${estimatedCount} of ${assetTotal} on-premises costs estimated from size` : ''),
      // Imported costs are facts; size-based estimates and unsized assets are not.
      confidence: clamp01(assetTotal === 0 ? 0.5 : 0.8 - 0.3 * (estimatedCount / assetTotal) - 0.3 * (unsizedCount / assetTotal)),
      evidence: uniqueSorted(evidence),
    });
  }
  const sum = (f: (w: WaveCost) => number): number => round(waves.reduce((s, w) => s + f(w), 0));
  const saving = sum((w) => w.monthlySaving);
  const oneTimeCost = sum((w) => w.oneTimeCost);
  return {
    waves,
    totals: {
      oneTimeCost,
      runRateBefore: sum((w) => w.runRateBefore),
      runRateAfter: sum((w) => w.runRateAfter),
      monthlySaving: saving,
      paybackMonths: saving > 0 ? round(oneTimeCost / saving, 1) : null,
    },
    assumptions: [
      `labour at ${pricing.labour.hourlyRate}/h; hours per app and per asset by strategy from the labour table`,
      `data transfer at ${pricing.cloud.transferPerGb}/GB of storage moved`,
      'cloud run-rate uses the rightsized on-demand instance (utilisation + 30% headroom) plus storage',
      `managed database premium of ${round(pricing.cloud.managedDbPremium * 100, 1)}% for replatformed database assets`,
      'repurchase and retain carry the current cost (SaaS subscriptions are not in the catalogue)',
      'applications without a strategy are costed as rehost',
    ],
  };
}
