/**
 * The canonical inventory model every analysis engine works on. Source files (CMDB exports, RVTools sheets,
 * JSON inventories) are mapped onto these shapes by Discovery; every later flow reads only these.
 */

export const CANONICAL_FIELDS = [
  'hostname',
  'ip',
  'serial',
  'asset_type',
  'os',
  'os_version',
  'cpu',
  'memory_gb',
  'storage_gb',
  'cpu_util_pct',
  'memory_util_pct',
  'environment',
  'criticality',
  'owner',
  'location',
  'monthly_cost',
  'application',
  'depends_on',
  'power_state',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export const ASSET_TYPES = ['server', 'database', 'storage', 'network_device', 'other'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'dr', 'unknown'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CRITICALITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const OS_FAMILIES = ['windows', 'linux', 'unix', 'other', 'unknown'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

/** A raw staged row: the source file's columns, values untouched. `rowNumber` is 1-based over data rows. */
export interface RawRow {
  rowNumber: number;
  data: Record<string, string | number | boolean | null>;
}

/** A declared dependency as written in the source, before it is resolved to an asset key. */
export interface DeclaredDependency {
  target: string; // hostname or ip as written
  port: number | null;
  protocol: string | null;
}

export interface CanonicalAsset {
  /** Stable key within one inventory: the normalised hostname (lower-case, no domain) or, failing that, ip/serial. */
  key: string;
  hostname: string;
  fqdn: string | null;
  ip: string | null;
  serial: string | null;
  assetType: AssetType;
  os: string | null;
  osFamily: OsFamily;
  osVersion: string | null;
  cpu: number | null;
  memoryGb: number | null;
  storageGb: number | null;
  cpuUtilPct: number | null;
  memoryUtilPct: number | null;
  environment: Environment;
  criticality: Criticality;
  owner: string | null;
  location: string | null;
  monthlyCost: number | null;
  powerState: 'on' | 'off' | 'unknown';
  applications: string[];
  dependsOn: DeclaredDependency[];
  /** Evidence: the raw row numbers merged into this asset. */
  sourceRows: number[];
}

export interface CanonicalApplication {
  key: string; // normalised name
  name: string;
  owner: string | null;
  criticality: Criticality;
  tier: 'tier1' | 'tier2' | 'tier3';
  techStack: string[];
  environments: Environment[];
  assetKeys: string[];
}

export interface CanonicalDependency {
  fromKey: string; // asset key
  toKey: string; // asset key
  type: 'declared' | 'inferred';
  port: number | null;
  protocol: string | null;
  confidence: number; // 0..1
  source: string; // e.g. "row 17 column 'Depends On'"
}

/** Every recommendation carries these; evidence ids are "asset:<key>", "app:<key>", "dep:<from>-><to>", "rule:<id>", "row:<n>". */
export interface Explained {
  rationale: string;
  confidence: number;
  evidence: string[];
}
