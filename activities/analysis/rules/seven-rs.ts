/**
 * The 7R decision table. Each criterion is a row with an id, the strategy it argues for and a weight; the
 * engine sums the weights of every row whose condition holds and picks the best-scoring strategy. A weighted
 * table (rather than first match) lets several weak signals outvote one, and keeps the runner-up visible for
 * the reviewer at the strategy gate.
 */
import type { Criticality } from '../model';
import type { DbEngine } from './stack';

export const STRATEGIES = ['rehost', 'replatform', 'refactor', 'repurchase', 'retire', 'retain', 'relocate'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Facts about one application, computed from the inventory and the earlier assessment steps. */
export interface AppProfile {
  applicationKey: string;
  criticality: Criticality;
  tier: 'tier1' | 'tier2' | 'tier3';
  assetCount: number;
  poweredOffCount: number;
  /** Mean CPU utilisation over member assets that report it; null if none do. */
  avgCpuUtilPct: number | null;
  notReadyCount: number;
  fanIn: number;
  complexity: number;
  riskScore: number;
  /** Platform rule ids with severity blocker found on member assets (e.g. platform-aix). */
  platformBlockers: string[];
  /** Lifecycle rule ids of member OSes that cloud import no longer accepts. */
  nonImportableOs: string[];
  /** Lifecycle rule ids of end-of-life database engines (assets or stack). */
  eolDatabases: string[];
  dbEngine: DbEngine | null;
  /** Stack entries with a modern, container-friendly runtime. */
  modernRuntimes: string[];
  /** First stack entry with an established SaaS replacement, and that replacement. */
  saas: { entry: string; product: string } | null;
  vmware: boolean;
}

export interface StrategyCriterion {
  id: string;
  strategy: Strategy;
  weight: number;
  /** Returns the data-derived reason when the criterion holds, null otherwise. */
  when: (p: AppProfile) => string | null;
}

const HIGH_CRITICALITY: readonly Criticality[] = ['critical', 'high'];

export const STRATEGY_CRITERIA: readonly StrategyCriterion[] = [
  {
    id: '7r-retire-powered-off',
    strategy: 'retire',
    weight: 1.2,
    when: (p) =>
      p.assetCount > 0 && p.poweredOffCount === p.assetCount && p.fanIn === 0
        ? `all ${p.assetCount} assets are powered off and no application depends on it`
        : null,
  },
  {
    id: '7r-retire-unused',
    strategy: 'retire',
    weight: 0.7,
    when: (p) =>
      p.avgCpuUtilPct !== null && p.avgCpuUtilPct < 5 && p.fanIn === 0 && !HIGH_CRITICALITY.includes(p.criticality)
        ? `average CPU ${p.avgCpuUtilPct}% with no dependent applications and ${p.criticality} criticality`
        : null,
  },
  {
    id: '7r-repurchase-saas',
    strategy: 'repurchase',
    weight: 0.9,
    when: (p) => (p.saas ? `'${p.saas.entry}' is commodity software with a SaaS replacement (${p.saas.product})` : null),
  },
  {
    id: '7r-retain-blocked-platform',
    strategy: 'retain',
    weight: 0.6,
    when: (p) =>
      p.platformBlockers.length > 0 && (p.complexity >= 50 || p.criticality === 'critical')
        ? `runs on a non-x86 platform (${p.platformBlockers.join(', ')}) and complexity ${p.complexity}/100 or ${p.criticality} criticality makes a port risky now`
        : null,
  },
  {
    id: '7r-replatform-port-platform',
    strategy: 'replatform',
    weight: 0.65,
    when: (p) =>
      p.platformBlockers.length > 0 && p.complexity < 50 && p.criticality !== 'critical'
        ? `non-x86 platform (${p.platformBlockers.join(', ')}) with complexity ${p.complexity}/100 is small enough to port to Linux`
        : null,
  },
  {
    id: '7r-retain-not-ready',
    strategy: 'retain',
    weight: 0.6,
    when: (p) =>
      p.assetCount > 0 && p.notReadyCount * 2 >= p.assetCount
        ? `${p.notReadyCount} of ${p.assetCount} assets are not ready to migrate`
        : null,
  },
  {
    id: '7r-replatform-os-rebuild',
    strategy: 'replatform',
    weight: 0.55,
    when: (p) =>
      p.nonImportableOs.length > 0
        ? `operating system past import support (${p.nonImportableOs.join(', ')}) has to be rebuilt on a current release anyway`
        : null,
  },
  {
    id: '7r-relocate-vmware',
    strategy: 'relocate',
    weight: 0.5,
    when: (p) =>
      p.vmware && p.assetCount >= 5 ? `${p.assetCount} VMs on VMware vSphere can move hypervisor-to-hypervisor unchanged` : null,
  },
  {
    id: '7r-replatform-managed-db',
    strategy: 'replatform',
    weight: 0.45,
    when: (p) => (p.dbEngine ? `its ${p.dbEngine} database can run on a managed database service` : null),
  },
  {
    id: '7r-replatform-eol-db',
    strategy: 'replatform',
    weight: 0.3,
    when: (p) =>
      p.eolDatabases.length > 0
        ? `database engine past end of support (${p.eolDatabases.join(', ')}) needs an upgrade, which a managed service performs`
        : null,
  },
  {
    id: '7r-refactor-strategic',
    strategy: 'refactor',
    weight: 0.7,
    when: (p) =>
      HIGH_CRITICALITY.includes(p.criticality) && p.tier === 'tier1' && p.complexity >= 55 && p.modernRuntimes.length > 0
        ? `${p.criticality}-criticality tier-1 application with complexity ${p.complexity}/100 on a modern runtime (${p.modernRuntimes.join(', ')}) justifies re-architecture`
        : null,
  },
  {
    id: '7r-refactor-hub',
    strategy: 'refactor',
    weight: 0.3,
    when: (p) =>
      p.fanIn >= 4 && p.modernRuntimes.length > 0
        ? `${p.fanIn} applications depend on it; containers let it scale independently`
        : null,
  },
  {
    id: '7r-rehost-default',
    strategy: 'rehost',
    weight: 0.5,
    when: (p) =>
      p.assetCount > 0 && p.platformBlockers.length === 0 && p.nonImportableOs.length === 0
        ? `${p.assetCount} x86 assets with no blocking platform or OS findings can be lifted as they are`
        : null,
  },
  {
    id: '7r-rehost-low-complexity',
    strategy: 'rehost',
    weight: 0.25,
    when: (p) => (p.assetCount > 0 && p.complexity < 35 ? `complexity ${p.complexity}/100 is low` : null),
  },
  {
    id: '7r-rehost-high-risk',
    strategy: 'rehost',
    weight: 0.2,
    when: (p) =>
      p.riskScore >= 15 && p.platformBlockers.length === 0
        ? `risk score ${p.riskScore}/25 argues for the least change during the move`
        : null,
  },
  {
    id: '7r-retain-no-inventory',
    strategy: 'retain',
    weight: 0.3,
    when: (p) => (p.assetCount === 0 ? 'no member assets in the inventory, so nothing can be planned yet' : null),
  },
];

/** Managed database service per engine (AWS / Azure). */
export const MANAGED_DB: Record<DbEngine, string> = {
  sqlserver: 'Amazon RDS for SQL Server / Azure SQL Managed Instance',
  oracle: 'Amazon RDS for Oracle / Oracle Database@Azure',
  mysql: 'Amazon RDS for MySQL / Azure Database for MySQL',
  postgresql: 'Amazon Aurora PostgreSQL / Azure Database for PostgreSQL',
  mongodb: 'Amazon DocumentDB / Azure Cosmos DB for MongoDB',
};

/** The target platform for a strategy, specialised by what the application actually runs. */
export function targetServiceFor(strategy: Strategy, p: AppProfile): string {
  switch (strategy) {
    case 'rehost':
      return 'Amazon EC2 / Azure Virtual Machines';
    case 'replatform':
      if (p.platformBlockers.length > 0 || p.nonImportableOs.length > 0) return 'Amazon EC2 / Azure Virtual Machines on a current Linux/Windows release';
      return p.dbEngine ? MANAGED_DB[p.dbEngine] : 'AWS Elastic Beanstalk / Azure App Service';
    case 'refactor':
      return 'Amazon EKS / Azure Kubernetes Service (containers)';
    case 'repurchase':
      return p.saas ? p.saas.product : 'SaaS replacement (to be selected)';
    case 'retire':
      return 'none (decommission)';
    case 'retain':
      return p.platformBlockers.includes('platform-aix') ? 'on-premises (or IBM Power Virtual Server)' : 'on-premises (retain)';
    case 'relocate':
      return 'VMware Cloud on AWS / Azure VMware Solution';
  }
}
