/**
 * Decommission: prove nothing live still depends on the targets, rate the risk and the expected saving, plan
 * retention and archiving per data store (with an integrity checksum of the archived record), and write the
 * shutdown runbook. A target that a live asset depends on is refused, with the blocking edges as evidence.
 */
import { createHash } from 'node:crypto';
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency, Explained } from './model';
import { membershipIndex } from './app-graph';
import { addDays } from './dates';
import { assetRef, byString, clamp01, depRef, round, ruleRef, uniqueSorted } from './evidence';
import { isDataStore } from './execution';
import { DEFAULT_PRICING, onPremMonthlyCost, type PricingTable } from './pricing';

export interface TargetSafety extends Explained {
  assetKey: string;
  /** False when the key is not in the inventory (nothing can be proven about it). */
  known: boolean;
  safe: boolean;
  /** Dependencies from live assets onto this target, as dep:<from>-><to> ids. */
  blockingEdges: string[];
  risk: 'low' | 'medium' | 'high';
  riskFactors: string[];
  monthlySaving: number;
}

export interface DecommissionSafetyReport extends Explained {
  /** True only if every target is safe. */
  safe: boolean;
  targets: TargetSafety[];
  blockingEdges: string[];
  /** Saving from the targets that are safe to retire. */
  expectedMonthlySaving: number;
}

/**
 * Live means "could still be calling the target": anything not powered off that is not itself being retired.
 * An asset missing from the inventory is treated as live, because nothing proves it is gone.
 */
function isLive(key: string, byKey: ReadonlyMap<string, CanonicalAsset>, targets: ReadonlySet<string>): boolean {
  if (targets.has(key)) return false;
  const asset = byKey.get(key);
  return asset === undefined || asset.powerState !== 'off';
}

function declaredNames(a: CanonicalAsset): string[] {
  return [a.key, a.hostname, a.fqdn, a.ip].filter((x): x is string => !!x).map((x) => x.toLowerCase());
}

export function checkDecommissionSafety(
  targets: readonly string[],
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  pricing: PricingTable = DEFAULT_PRICING,
): DecommissionSafetyReport {
  const byKey = new Map(assets.map((a) => [a.key, a]));
  const targetSet = new Set(targets);
  const results: TargetSafety[] = uniqueSorted(targets).map((key) => {
    const asset = byKey.get(key);
    if (!asset) {
      return {
        assetKey: key,
        known: false,
        safe: false,
        blockingEdges: [],
        risk: 'high',
        riskFactors: ['not in the inventory'],
        monthlySaving: 0,
        rationale: `${key} is not in the inventory: nothing can be proven about what depends on it`,
        confidence: 0.9,
        evidence: [assetRef(key), ruleRef('decom-unknown-target')],
      };
    }
    const resolved = deps.filter((d) => d.toKey === key && d.fromKey !== key && isLive(d.fromKey, byKey, targetSet));
    // Declarations not resolved into dependency rows still count: the source said so, and we cannot prove otherwise.
    const names = new Set(declaredNames(asset));
    const declared = assets.filter(
      (a) =>
        a.key !== key &&
        isLive(a.key, byKey, targetSet) &&
        a.dependsOn.some((d) => names.has(d.target.toLowerCase())) &&
        !resolved.some((d) => d.fromKey === a.key),
    );
    const blockingEdges = uniqueSorted([...resolved.map((d) => depRef(d.fromKey, d.toKey)), ...declared.map((a) => depRef(a.key, key))]);
    const safe = blockingEdges.length === 0;

    const riskFactors: string[] = [];
    if (asset.environment === 'production') riskFactors.push('production asset');
    if (asset.criticality === 'critical' || asset.criticality === 'high') riskFactors.push(`${asset.criticality} criticality`);
    if (isDataStore(asset)) riskFactors.push(`data store (${asset.assetType}): data loss if the archive is incomplete`);
    const dormant = deps.filter((d) => d.toKey === key && byKey.get(d.fromKey)?.powerState === 'off' && !targetSet.has(d.fromKey));
    if (dormant.length > 0) riskFactors.push(`${dormant.length} powered-off dependents could be restarted (${dormant.map((d) => d.fromKey).join(', ')})`);
    if (asset.powerState !== 'off' && asset.cpuUtilPct !== null && asset.cpuUtilPct >= 5) riskFactors.push(`still active at ${asset.cpuUtilPct}% CPU`);
    const inferredOnly = deps.filter((d) => (d.toKey === key || d.fromKey === key) && d.type === 'inferred').length;
    if (inferredOnly > 0) riskFactors.push(`${inferredOnly} inferred dependencies: traffic may exist that discovery did not see`);
    const risk = riskFactors.length >= 3 ? 'high' : riskFactors.length >= 1 ? 'medium' : 'low';
    const cost = onPremMonthlyCost(asset, pricing);
    const saving = safe ? cost.monthly : 0;
    const blockerText = [
      ...resolved.map((d) => `${d.fromKey} (${byKey.get(d.fromKey)?.powerState ?? 'not in inventory'}) depends on it via ${d.source}`),
      ...declared.map((a) => `${a.hostname} declares a dependency on it (rows ${a.sourceRows.join(', ')})`),
    ];
    return {
      assetKey: key,
      known: true,
      safe,
      blockingEdges,
      risk,
      riskFactors,
      monthlySaving: saving,
      rationale: safe
        ? `${asset.hostname}: no live asset depends on it; ${risk} risk${riskFactors.length > 0 ? ` (${riskFactors.join('; ')})` : ''}; saves ${cost.monthly}/month (${cost.estimated ? 'estimated' : 'imported'})`
        : `${asset.hostname} is still needed: ${blockerText.join('; ')}`,
      // A refusal rests on recorded edges (certain); "safe" is only as good as discovery's coverage.
      confidence: clamp01(safe ? 0.85 - 0.1 * Math.min(3, inferredOnly + dormant.length) : 0.95),
      evidence: uniqueSorted([
        assetRef(key),
        ...blockingEdges,
        ...declared.flatMap((a) => a.sourceRows.map((r) => `row:${r}`)),
        ruleRef(safe ? 'decom-no-live-dependents' : 'decom-live-dependent'),
      ]),
    };
  });
  const blockingEdges = uniqueSorted(results.flatMap((r) => r.blockingEdges));
  const safe = results.length > 0 && results.every((r) => r.safe);
  const saving = round(results.reduce((s, r) => s + r.monthlySaving, 0));
  const refused = results.filter((r) => !r.safe);
  return {
    safe,
    targets: results,
    blockingEdges,
    expectedMonthlySaving: saving,
    rationale:
      `${results.length - refused.length} of ${results.length} targets safe to retire, saving ${saving}/month` +
      (refused.length > 0 ? `; refused: ${refused.map((r) => `${r.assetKey} (${r.blockingEdges.join(', ') || 'not in inventory'})`).join('; ')}` : ''),
    confidence: clamp01(results.length === 0 ? 0 : Math.min(...results.map((r) => r.confidence))),
    evidence: uniqueSorted(results.flatMap((r) => r.evidence)),
  };
}

// ───────────────────────────── retention and archive ─────────────────────────────

export interface RetentionRule {
  id: string;
  retentionDays: number;
  tier: 'cold' | 'archive';
  description: string;
}

/** First matching rule wins; ordered from the strictest obligation down. */
export const RETENTION_RULES = {
  financial: { id: 'ret-financial-7y', retentionDays: 2555, tier: 'archive', description: 'financial/personnel records: 7 years' },
  production: { id: 'ret-production-3y', retentionDays: 1095, tier: 'archive', description: 'production data: 3 years' },
  nonProduction: { id: 'ret-nonprod-90d', retentionDays: 90, tier: 'cold', description: 'non-production copy: 90 days' },
} as const satisfies Record<string, RetentionRule>;
const FINANCIAL = /financ|payroll|billing|payment|ledger|accounting|invoice|sap|peoplesoft|\bhr\b/;

export interface ArchivePlanItem extends Explained {
  assetKey: string;
  ruleId: string;
  retentionDays: number;
  tier: 'cold' | 'archive';
  storageGb: number | null;
  deleteAfter: string;
  checksumAlgorithm: 'sha256';
  /** sha256 of `record`; recomputed after restore to prove the archived record is intact. */
  checksum: string;
  /** Canonical JSON of the inventory record being archived. */
  record: string;
}

/** JSON with object keys sorted recursively: equal data always yields identical text (and checksum). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => byString(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function planDataRetention(
  targets: readonly string[],
  assets: readonly CanonicalAsset[],
  apps: readonly CanonicalApplication[],
  asOf: string,
): ArchivePlanItem[] {
  const index = membershipIndex(apps, assets);
  const appByKey = new Map(apps.map((a) => [a.key, a]));
  const targetSet = new Set(targets);
  return [...assets]
    .filter((a) => targetSet.has(a.key) && isDataStore(a))
    .sort((a, b) => byString(a.key, b.key))
    .map((a) => {
      const owning = (index.get(a.key) ?? []).map((k) => appByKey.get(k)!);
      const financialHit = owning.flatMap((app) => [app.name, ...app.techStack]).find((s) => FINANCIAL.test(s.toLowerCase()));
      const rule: RetentionRule = financialHit
        ? RETENTION_RULES.financial
        : a.environment === 'production' || a.environment === 'dr' || a.environment === 'unknown'
          ? RETENTION_RULES.production
          : RETENTION_RULES.nonProduction;
      const record = canonicalJson(a);
      const checksum = sha256(record);
      const deleteAfter = addDays(asOf, rule.retentionDays);
      const why = financialHit ? `'${financialHit}' marks financial/personnel data` : `${a.environment} environment`;
      return {
        assetKey: a.key,
        ruleId: rule.id,
        retentionDays: rule.retentionDays,
        tier: rule.tier,
        storageGb: a.storageGb,
        deleteAfter,
        checksumAlgorithm: 'sha256',
        checksum,
        record,
        rationale: `${a.hostname} (${a.assetType}, ${a.storageGb ?? '?'} GB): ${why} → ${rule.description} in ${rule.tier} storage until ${deleteAfter} (${rule.id}); record sha256 ${checksum.slice(0, 12)}…`,
        // Unknown environments default to the production rule: safe, but a guess.
        confidence: clamp01(a.environment === 'unknown' ? 0.6 : 0.85),
        evidence: uniqueSorted([assetRef(a.key), ruleRef(rule.id), ...owning.map((app) => `app:${app.key}`)]),
      };
    });
}

// ───────────────────────────── shutdown runbook ─────────────────────────────

export interface ShutdownStep {
  order: number;
  assetKey: string;
  kind: 'verify_archive' | 'notify' | 'disable_monitoring' | 'remove_traffic' | 'power_off' | 'observe' | 'wipe' | 'cmdb_update';
  action: string;
  /** Steps after which the asset cannot be brought back as it was. */
  irreversible: boolean;
}

export interface ShutdownRunbook extends Explained {
  steps: ShutdownStep[];
  /** Targets left out because the safety check refused them. */
  excluded: { assetKey: string; reason: string }[];
  observationDays: number;
}

/** Safe targets, dependents before their dependencies (a retiring front end stops before its retiring database). */
function shutdownOrder(keys: readonly string[], deps: readonly CanonicalDependency[]): string[] {
  const set = new Set(keys);
  const dependents = new Map<string, string[]>();
  for (const d of deps) {
    if (set.has(d.fromKey) && set.has(d.toKey) && d.fromKey !== d.toKey) dependents.set(d.toKey, [...(dependents.get(d.toKey) ?? []), d.fromKey]);
  }
  const visited = new Set<string>();
  const order: string[] = [];
  const visit = (k: string): void => {
    if (visited.has(k)) return;
    visited.add(k);
    for (const from of [...(dependents.get(k) ?? [])].sort(byString)) visit(from);
    order.push(k);
  };
  for (const k of [...keys].sort(byString)) visit(k);
  return order;
}

export function buildShutdownRunbook(
  report: DecommissionSafetyReport,
  assets: readonly CanonicalAsset[],
  deps: readonly CanonicalDependency[],
  archive: readonly ArchivePlanItem[],
  observationDays = 14,
): ShutdownRunbook {
  const byKey = new Map(assets.map((a) => [a.key, a]));
  const archiveByKey = new Map(archive.map((i) => [i.assetKey, i]));
  const safeKeys = report.targets.filter((t) => t.safe).map((t) => t.assetKey);
  const excluded = report.targets
    .filter((t) => !t.safe)
    .map((t) => ({ assetKey: t.assetKey, reason: t.blockingEdges.length > 0 ? `live dependents: ${t.blockingEdges.join(', ')}` : 'not in inventory' }));
  const order = shutdownOrder(safeKeys, deps);
  const steps: Omit<ShutdownStep, 'order'>[] = [];
  // Phase by phase across all targets, so each observation period covers every target at once.
  for (const key of order) {
    const item = archiveByKey.get(key);
    if (item) {
      steps.push({ assetKey: key, kind: 'verify_archive', irreversible: false, action: `restore-test the archive of ${byKey.get(key)!.hostname} and verify sha256 ${item.checksum} (${item.ruleId}, keep until ${item.deleteAfter})` });
    }
  }
  for (const key of order) {
    const a = byKey.get(key)!;
    steps.push({ assetKey: key, kind: 'notify', irreversible: false, action: `notify ${a.owner ?? 'the service desk (no owner recorded)'} of the shutdown date` });
    steps.push({ assetKey: key, kind: 'disable_monitoring', irreversible: false, action: `silence alerts and remove ${a.hostname} from monitoring and backup schedules` });
    steps.push({ assetKey: key, kind: 'remove_traffic', irreversible: false, action: `remove ${a.hostname} from DNS and load-balancer pools${a.ip ? ` (${a.ip})` : ''}` });
  }
  for (const key of order) {
    steps.push({ assetKey: key, kind: 'power_off', irreversible: false, action: `power off ${byKey.get(key)!.hostname} (keep disks)` });
  }
  for (const key of order) {
    steps.push({ assetKey: key, kind: 'observe', irreversible: false, action: `scream test: wait ${observationDays} days for complaints; power back on if anything breaks` });
  }
  for (const key of order) {
    steps.push({ assetKey: key, kind: 'wipe', irreversible: true, action: `wipe disks of ${byKey.get(key)!.hostname} (certified erasure) and release licences` });
    steps.push({ assetKey: key, kind: 'cmdb_update', irreversible: true, action: `mark ${key} retired in the CMDB and stop its cost allocation` });
  }
  const numbered = steps.map((s, i) => ({ ...s, order: i + 1 }));
  return {
    steps: numbered,
    excluded,
    observationDays,
    rationale:
      `${order.length} targets in order ${order.join(' → ') || '(none)'} (dependents first), ${archive.filter((i) => order.includes(i.assetKey)).length} archives verified before shutdown, ` +
      `${observationDays}-day scream test before the irreversible steps` +
      (excluded.length > 0 ? `; excluded ${excluded.map((e) => e.assetKey).join(', ')}` : ''),
    confidence: report.confidence,
    evidence: uniqueSorted([...order.map(assetRef), ...excluded.map((e) => assetRef(e.assetKey)), ...report.blockingEdges, ruleRef('decom-shutdown-runbook')]),
  };
}
