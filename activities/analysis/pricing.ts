/**
 * Cost tables and sizing. Prices are list-price defaults (USD, on-demand Linux, a us-east-1-like region) so that
 * estimates work offline; callers can pass their own PricingTable with negotiated rates. On-premises run-rate
 * is a fully loaded cost (hardware amortisation, power, space, support) per unit of capacity.
 */
import type { CanonicalAsset, Explained } from './model';
import type { Strategy } from './rules/seven-rs';
import { assetRef, clamp01, round, ruleRef } from './evidence';

export interface InstanceSize {
  name: string;
  family: 'burstable' | 'general' | 'compute' | 'memory';
  vcpu: number;
  memoryGb: number;
  hourlyUsd: number;
}

export interface LabourRate {
  hoursPerAsset: number;
  /** Per-application overhead: planning, testing, sign-off. */
  hoursPerApp: number;
}

export interface PricingTable {
  hoursPerMonth: number;
  onPrem: { perVcpuMonth: number; perGbMemoryMonth: number; perGbStorageMonth: number; perServerMonth: number };
  cloud: {
    instances: InstanceSize[];
    storagePerGbMonth: number;
    /** Windows licence-included uplift per vCPU-hour. */
    windowsPerVcpuHour: number;
    /** Managed database premium over the equivalent instance price (e.g. 0.4 = +40%). */
    managedDbPremium: number;
    /** Discount for a 1-year commitment (savings plan / reservation). */
    commitmentDiscount: number;
    /** Replication / transfer cost per GB moved during migration. */
    transferPerGb: number;
  };
  labour: { hourlyRate: number; byStrategy: Record<Strategy, LabourRate> };
}

const inst = (name: string, family: InstanceSize['family'], vcpu: number, memoryGb: number, hourlyUsd: number): InstanceSize => ({
  name,
  family,
  vcpu,
  memoryGb,
  hourlyUsd,
});

export const DEFAULT_PRICING: PricingTable = {
  hoursPerMonth: 730,
  onPrem: { perVcpuMonth: 28, perGbMemoryMonth: 4.5, perGbStorageMonth: 0.15, perServerMonth: 45 },
  cloud: {
    instances: [
      inst('t3.small', 'burstable', 2, 2, 0.0208),
      inst('t3.medium', 'burstable', 2, 4, 0.0416),
      inst('t3.large', 'burstable', 2, 8, 0.0832),
      inst('c6i.large', 'compute', 2, 4, 0.085),
      inst('m6i.large', 'general', 2, 8, 0.096),
      inst('r6i.large', 'memory', 2, 16, 0.126),
      inst('c6i.xlarge', 'compute', 4, 8, 0.17),
      inst('m6i.xlarge', 'general', 4, 16, 0.192),
      inst('r6i.xlarge', 'memory', 4, 32, 0.252),
      inst('c6i.2xlarge', 'compute', 8, 16, 0.34),
      inst('m6i.2xlarge', 'general', 8, 32, 0.384),
      inst('r6i.2xlarge', 'memory', 8, 64, 0.504),
      inst('c6i.4xlarge', 'compute', 16, 32, 0.68),
      inst('m6i.4xlarge', 'general', 16, 64, 0.768),
      inst('r6i.4xlarge', 'memory', 16, 128, 1.008),
      inst('c6i.8xlarge', 'compute', 32, 64, 1.36),
      inst('m6i.8xlarge', 'general', 32, 128, 1.536),
      inst('r6i.8xlarge', 'memory', 32, 256, 2.016),
      inst('m6i.16xlarge', 'general', 64, 256, 3.072),
      inst('r6i.16xlarge', 'memory', 64, 512, 4.032),
      inst('m6i.32xlarge', 'general', 128, 512, 6.144),
      inst('r6i.32xlarge', 'memory', 128, 1024, 8.064),
    ],
    storagePerGbMonth: 0.08,
    windowsPerVcpuHour: 0.046,
    managedDbPremium: 0.4,
    commitmentDiscount: 0.28,
    transferPerGb: 0.02,
  },
  labour: {
    hourlyRate: 120,
    byStrategy: {
      rehost: { hoursPerAsset: 16, hoursPerApp: 24 },
      replatform: { hoursPerAsset: 40, hoursPerApp: 80 },
      refactor: { hoursPerAsset: 120, hoursPerApp: 400 },
      repurchase: { hoursPerAsset: 24, hoursPerApp: 160 },
      retire: { hoursPerAsset: 4, hoursPerApp: 8 },
      retain: { hoursPerAsset: 0, hoursPerApp: 4 },
      relocate: { hoursPerAsset: 8, hoursPerApp: 16 },
    },
  },
};

export interface CostEstimate {
  monthly: number;
  /** True when derived from size rather than an imported monthly cost. */
  estimated: boolean;
  basis: string;
}

/** Current monthly run-rate of an asset: the imported figure if present, otherwise a capacity-based estimate. */
export function onPremMonthlyCost(asset: CanonicalAsset, pricing: PricingTable = DEFAULT_PRICING): CostEstimate {
  if (asset.monthlyCost !== null) return { monthly: round(asset.monthlyCost), estimated: false, basis: 'imported monthly cost' };
  const p = pricing.onPrem;
  const cpu = asset.cpu ?? 0;
  const mem = asset.memoryGb ?? 0;
  const storage = asset.storageGb ?? 0;
  const monthly = cpu * p.perVcpuMonth + mem * p.perGbMemoryMonth + storage * p.perGbStorageMonth + p.perServerMonth;
  return {
    monthly: round(monthly),
    estimated: true,
    basis: `estimated: ${cpu} vCPU × ${p.perVcpuMonth} + ${mem} GB × ${p.perGbMemoryMonth} + ${storage} GB storage × ${p.perGbStorageMonth} + ${p.perServerMonth} per server`,
  };
}

/** The cheapest catalogue instance with at least the requested vCPU and memory; null if nothing is big enough. */
export function pickInstance(vcpu: number, memoryGb: number, pricing: PricingTable = DEFAULT_PRICING): InstanceSize | null {
  const fitting = pricing.cloud.instances.filter((i) => i.vcpu >= vcpu && i.memoryGb >= memoryGb);
  return fitting.reduce<InstanceSize | null>(
    (best, i) => (best === null || i.hourlyUsd < best.hourlyUsd || (i.hourlyUsd === best.hourlyUsd && i.name < best.name) ? i : best),
    null,
  );
}

/** Monthly cloud cost of running an asset on an instance, with storage, Windows licence and managed-DB premium. */
export function cloudMonthlyCost(
  instance: InstanceSize,
  asset: Pick<CanonicalAsset, 'storageGb' | 'osFamily'>,
  managedDb: boolean,
  pricing: PricingTable = DEFAULT_PRICING,
): number {
  const c = pricing.cloud;
  const hourly = instance.hourlyUsd + (asset.osFamily === 'windows' ? instance.vcpu * c.windowsPerVcpuHour : 0);
  const compute = hourly * pricing.hoursPerMonth * (managedDb ? 1 + c.managedDbPremium : 1);
  return round(compute + (asset.storageGb ?? 0) * c.storagePerGbMonth);
}

export interface RightsizeResult extends Explained {
  assetKey: string;
  requiredVcpu: number | null;
  requiredMemoryGb: number | null;
  /** Instance matching the current allocation one-for-one. */
  likeForLike: InstanceSize | null;
  /** Instance sized from utilisation plus headroom (equals likeForLike when utilisation is unknown). */
  target: InstanceSize | null;
  likeForLikeMonthly: number | null;
  targetMonthly: number | null;
  monthlySaving: number;
}

/**
 * Headroom over observed utilisation. The imported utilisation is a single figure, which we treat as a
 * p95-like busy value; 30% on top keeps a peak from saturating the smaller instance.
 */
export const RIGHTSIZE_HEADROOM = 0.3;

export function rightsize(asset: CanonicalAsset, pricing: PricingTable = DEFAULT_PRICING): RightsizeResult {
  const evidence = [assetRef(asset.key), ruleRef('pricing-rightsize-headroom')];
  if (asset.cpu === null || asset.memoryGb === null) {
    return {
      assetKey: asset.key,
      requiredVcpu: null,
      requiredMemoryGb: null,
      likeForLike: null,
      target: null,
      likeForLikeMonthly: null,
      targetMonthly: null,
      monthlySaving: 0,
      rationale: `${asset.hostname}: cannot size without ${asset.cpu === null ? 'CPU' : 'memory'} allocation`,
      confidence: 0.1,
      evidence,
    };
  }
  const likeForLike = pickInstance(asset.cpu, asset.memoryGb, pricing);
  const cpuNeed = asset.cpuUtilPct === null ? asset.cpu : (asset.cpu * asset.cpuUtilPct * (1 + RIGHTSIZE_HEADROOM)) / 100;
  const memNeed =
    asset.memoryUtilPct === null ? asset.memoryGb : (asset.memoryGb * asset.memoryUtilPct * (1 + RIGHTSIZE_HEADROOM)) / 100;
  // Never below one vCPU and 1 GB, and never above the current allocation: rightsizing only shrinks.
  const requiredVcpu = round(Math.min(asset.cpu, Math.max(1, cpuNeed)), 2);
  const requiredMemoryGb = round(Math.min(asset.memoryGb, Math.max(1, memNeed)), 2);
  const target = pickInstance(requiredVcpu, requiredMemoryGb, pricing) ?? likeForLike;
  const l4lMonthly = likeForLike ? cloudMonthlyCost(likeForLike, asset, false, pricing) : null;
  const targetMonthly = target ? cloudMonthlyCost(target, asset, false, pricing) : null;
  const saving = l4lMonthly !== null && targetMonthly !== null ? round(Math.max(0, l4lMonthly - targetMonthly)) : 0;
  const utilKnown = (asset.cpuUtilPct !== null ? 1 : 0) + (asset.memoryUtilPct !== null ? 1 : 0);
  const rationale =
    target === null
      ? `${asset.hostname}: ${asset.cpu} vCPU / ${asset.memoryGb} GB exceeds the largest catalogue instance`
      : `${asset.hostname}: ${asset.cpu} vCPU / ${asset.memoryGb} GB at ` +
        `${asset.cpuUtilPct ?? '?'}% CPU and ${asset.memoryUtilPct ?? '?'}% memory needs ${requiredVcpu} vCPU / ${requiredMemoryGb} GB ` +
        `with ${RIGHTSIZE_HEADROOM * 100}% headroom → ${target.name} (${target.vcpu} vCPU / ${target.memoryGb} GB, ${targetMonthly}/month)` +
        (likeForLike && likeForLike.name !== target.name
          ? ` instead of like-for-like ${likeForLike.name} (${l4lMonthly}/month), saving ${saving}/month`
          : '; like-for-like size already fits');
  return {
    assetKey: asset.key,
    requiredVcpu,
    requiredMemoryGb,
    likeForLike,
    target,
    likeForLikeMonthly: l4lMonthly,
    targetMonthly,
    monthlySaving: saving,
    rationale,
    // One utilisation figure is a proxy for a p95 series: never fully certain, and weak when a figure is missing.
    confidence: clamp01(target === null ? 0.2 : 0.35 + 0.25 * utilKnown),
    evidence,
  };
}

/** Engineering hours to move one application of `assetCount` assets with a strategy. */
export function migrationLabourHours(strategy: Strategy, assetCount: number, pricing: PricingTable = DEFAULT_PRICING): number {
  const rate = pricing.labour.byStrategy[strategy];
  return rate.hoursPerApp + rate.hoursPerAsset * assetCount;
}

/** One-time labour + transfer cost of moving an application's assets with a given strategy. */
export function migrationCost(
  strategy: Strategy,
  assets: readonly Pick<CanonicalAsset, 'storageGb'>[],
  pricing: PricingTable = DEFAULT_PRICING,
): { labourHours: number; labour: number; transfer: number; total: number } {
  const labourHours = migrationLabourHours(strategy, assets.length, pricing);
  const moves = strategy !== 'retire' && strategy !== 'retain';
  const transfer = moves ? assets.reduce((s, a) => s + (a.storageGb ?? 0), 0) * pricing.cloud.transferPerGb : 0;
  const labour = labourHours * pricing.labour.hourlyRate;
  return { labourHours, labour: round(labour), transfer: round(transfer), total: round(labour + transfer) };
}
