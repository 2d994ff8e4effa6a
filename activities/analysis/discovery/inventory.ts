/**
 * `asset_inventory`: derive applications, memberships and resolved dependencies from the cleansed assets,
 * and score how complete the inventory is for the assessment that follows.
 */
import {
  CRITICALITIES,
  ENVIRONMENTS,
  type CanonicalApplication,
  type CanonicalAsset,
  type CanonicalDependency,
  type Criticality,
} from '../model';
import { compareText, isValidIp } from './patterns';

export interface InventoryResult {
  applications: CanonicalApplication[];
  memberships: { assetKey: string; applicationKey: string }[];
  dependencies: CanonicalDependency[];
  unresolvedDependencies: { fromKey: string; target: string; reason: string }[];
  /** Percentages 0..100: `byField` per canonical field, `score` their mean. */
  completeness: { score: number; byField: Record<string, number> };
}

export function buildInventory(assets: CanonicalAsset[]): InventoryResult {
  const { applications, memberships } = deriveApplications(assets);
  const { dependencies, unresolvedDependencies } = resolveDependencies(assets);
  return { applications, memberships, dependencies, unresolvedDependencies, completeness: completeness(assets) };
}

// ------------------------------------------------------------------------------------- applications

/** "Payroll (EU)" and "payroll eu" are one application. */
export function applicationKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The engines a host's name, applications or OS text point at; techStack entries. */
const ENGINE_HINTS: [RegExp, string][] = [
  // A bare "sql" means SQL Server unless it is part of another engine's name (mysql, pgsql, postgresql, sqlite).
  [/mssql|sql ?server|(?<!my|pg|no|postgre)sql(?!ite)/, 'sql-server'],
  [/oracle(?! ?linux| ?solaris)|(^|[-_])ora\d/, 'oracle'],
  [/mysql|maria/, 'mysql'],
  [/postgres|pgsql/, 'postgresql'],
  [/mongo/, 'mongodb'],
];

function deriveApplications(assets: CanonicalAsset[]): Pick<InventoryResult, 'applications' | 'memberships'> {
  const members = new Map<string, { names: string[]; assets: CanonicalAsset[] }>();
  const memberships: InventoryResult['memberships'] = [];
  for (const asset of assets) {
    for (const name of asset.applications) {
      const key = applicationKey(name);
      if (key === '') continue;
      const entry = members.get(key) ?? { names: [], assets: [] };
      if (!members.has(key)) members.set(key, entry);
      entry.names.push(name);
      if (!entry.assets.includes(asset)) {
        entry.assets.push(asset);
        memberships.push({ assetKey: asset.key, applicationKey: key });
      }
    }
  }

  const applications = [...members].map(([key, { names, assets: appAssets }]): CanonicalApplication => {
    const criticality = maxCriticality(appAssets.map((asset) => asset.criticality));
    const stack = new Set<string>();
    for (const asset of appAssets) {
      if (asset.osFamily !== 'unknown') stack.add(asset.osFamily);
      const text = `${asset.hostname} ${asset.os ?? ''} ${asset.applications.join(' ')}`.toLowerCase();
      for (const [pattern, engine] of ENGINE_HINTS) if (pattern.test(text)) stack.add(engine);
      if (asset.assetType === 'database' && !ENGINE_HINTS.some(([pattern]) => pattern.test(text))) stack.add('database');
    }
    return {
      key,
      name: mostCommon(names)!,
      owner: mostCommon(appAssets.flatMap((asset) => (asset.owner === null ? [] : [asset.owner]))),
      criticality,
      // Tier follows criticality: critical → tier1, high/medium → tier2, low or unknown → tier3.
      tier: criticality === 'critical' ? 'tier1' : criticality === 'high' || criticality === 'medium' ? 'tier2' : 'tier3',
      techStack: [...stack].sort(compareText),
      environments: ENVIRONMENTS.filter((environment) => environment !== 'unknown' && appAssets.some((asset) => asset.environment === environment)),
      assetKeys: appAssets.map((asset) => asset.key).sort(compareText),
    };
  });
  applications.sort((a, b) => compareText(a.key, b.key));
  memberships.sort((a, b) => compareText(a.applicationKey, b.applicationKey) || compareText(a.assetKey, b.assetKey));
  return { applications, memberships };
}

/** CRITICALITIES runs from most to least critical, with unknown last. */
function maxCriticality(values: Criticality[]): Criticality {
  return CRITICALITIES.find((criticality) => values.includes(criticality)) ?? 'unknown';
}

/** Most frequent value; ties go to the alphabetically first so the result does not depend on row order. */
function mostCommon(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | null = null;
  for (const [value, count] of counts) {
    const bestCount = best === null ? 0 : counts.get(best)!;
    if (count > bestCount || (count === bestCount && compareText(value, best!) < 0)) best = value;
  }
  return best;
}

// ------------------------------------------------------------------------------------- dependencies

/** A declared edge matched by host name is as good as the name; an IP can be re-used, so it counts less. */
const CONFIDENCE_BY_NAME = 0.9;
const CONFIDENCE_BY_IP = 0.7;

function resolveDependencies(assets: CanonicalAsset[]): Pick<InventoryResult, 'dependencies' | 'unresolvedDependencies'> {
  const byName = new Map<string, string>();
  const byFqdn = new Map<string, string>();
  const byIp = new Map<string, string>();
  const rowsOf = new Map<string, number[]>();
  for (const asset of assets) {
    rowsOf.set(asset.key, asset.sourceRows);
    byName.set(asset.hostname, asset.key);
    if (asset.fqdn) byFqdn.set(asset.fqdn, asset.key);
    // An address shared by several assets cannot say which one is meant, so it resolves to none of them.
    if (asset.ip) byIp.set(asset.ip, byIp.has(asset.ip) && byIp.get(asset.ip) !== asset.key ? '' : asset.key);
  }

  const edges = new Map<string, CanonicalDependency & { ports: Set<number> }>();
  const unresolvedDependencies: InventoryResult['unresolvedDependencies'] = [];
  for (const asset of assets) {
    for (const declared of asset.dependsOn) {
      const target = declared.target.toLowerCase();
      const viaIp = isValidIp(target);
      const toKey = viaIp ? byIp.get(target) : (byFqdn.get(target) ?? byName.get(target.split('.')[0]));
      if (!toKey) {
        const reason = toKey === '' ? `IP ${target} belongs to more than one asset` : viaIp ? `no asset has IP ${target}` : `no asset is named '${target}'`;
        unresolvedDependencies.push({ fromKey: asset.key, target: declared.target, reason });
        continue;
      }
      if (toKey === asset.key) continue;
      const id = `${asset.key}->${toKey}`;
      const confidence = viaIp ? CONFIDENCE_BY_IP : CONFIDENCE_BY_NAME;
      const existing = edges.get(id);
      if (existing) {
        existing.confidence = Math.max(existing.confidence, confidence);
        if (declared.port !== null) existing.ports.add(declared.port);
        existing.protocol ??= declared.protocol;
        continue;
      }
      edges.set(id, {
        fromKey: asset.key,
        toKey,
        type: 'declared',
        port: null,
        protocol: declared.protocol,
        confidence,
        source: '',
        ports: new Set(declared.port === null ? [] : [declared.port]),
      });
    }
  }

  // One edge per pair (evidence id "dep:<from>-><to>"): the lowest port is kept, the others are named in `source`.
  const dependencies = [...edges.values()]
    .map(({ ports, ...edge }): CanonicalDependency => {
      const sorted = [...ports].sort((a, b) => a - b);
      return {
        ...edge,
        port: sorted[0] ?? null,
        source: `declared by ${edge.fromKey} (rows ${rowsOf.get(edge.fromKey)!.join(', ')})${sorted.length > 1 ? `; ports ${sorted.join(', ')}` : ''}`,
      };
    })
    .sort((a, b) => compareText(a.fromKey, b.fromKey) || compareText(a.toKey, b.toKey));
  unresolvedDependencies.sort((a, b) => compareText(a.fromKey, b.fromKey) || compareText(a.target, b.target));
  return { dependencies, unresolvedDependencies };
}

// ------------------------------------------------------------------------------------- completeness

/** What "known" means per field; dependencies are left out because many assets legitimately have none. */
const KNOWN: Record<string, (asset: CanonicalAsset) => boolean> = {
  hostname: (asset) => asset.hostname !== asset.ip && asset.hostname !== asset.serial,
  ip: (asset) => asset.ip !== null,
  serial: (asset) => asset.serial !== null,
  asset_type: (asset) => asset.assetType !== 'other',
  os: (asset) => asset.os !== null,
  os_version: (asset) => asset.osVersion !== null,
  cpu: (asset) => asset.cpu !== null,
  memory_gb: (asset) => asset.memoryGb !== null,
  storage_gb: (asset) => asset.storageGb !== null,
  cpu_util_pct: (asset) => asset.cpuUtilPct !== null,
  memory_util_pct: (asset) => asset.memoryUtilPct !== null,
  environment: (asset) => asset.environment !== 'unknown',
  criticality: (asset) => asset.criticality !== 'unknown',
  owner: (asset) => asset.owner !== null,
  location: (asset) => asset.location !== null,
  monthly_cost: (asset) => asset.monthlyCost !== null,
  application: (asset) => asset.applications.length > 0,
  power_state: (asset) => asset.powerState !== 'unknown',
};

function completeness(assets: CanonicalAsset[]): InventoryResult['completeness'] {
  const byField: Record<string, number> = {};
  for (const [field, known] of Object.entries(KNOWN)) {
    byField[field] = assets.length === 0 ? 0 : Math.round((1000 * assets.filter(known).length) / assets.length) / 10;
  }
  const values = Object.values(byField);
  return { score: Math.round((10 * values.reduce((sum, value) => sum + value, 0)) / values.length) / 10, byField };
}
