/**
 * Canonical-model builders and a small, realistic retail estate for the analysis-engine unit tests, plus
 * fast-check arbitraries for random estates and application dependency graphs.
 */
import fc from 'fast-check';
import type { CanonicalApplication, CanonicalAsset, CanonicalDependency } from '../../../activities/analysis/model';
import type { AppEdge } from '../../../activities/analysis/app-graph';

export function asset(key: string, over: Partial<CanonicalAsset> = {}): CanonicalAsset {
  return {
    key,
    hostname: key,
    fqdn: null,
    ip: null,
    serial: null,
    assetType: 'server',
    os: 'Red Hat Enterprise Linux',
    osFamily: 'linux',
    osVersion: '8.6',
    cpu: 4,
    memoryGb: 16,
    storageGb: 200,
    cpuUtilPct: 40,
    memoryUtilPct: 50,
    environment: 'production',
    criticality: 'medium',
    owner: 'ops@example.com',
    location: 'dc-ams-1',
    monthlyCost: null,
    powerState: 'on',
    applications: [],
    dependsOn: [],
    sourceRows: [1],
    ...over,
  };
}

export function app(key: string, assetKeys: string[], over: Partial<CanonicalApplication> = {}): CanonicalApplication {
  return {
    key,
    name: key,
    owner: 'owner@example.com',
    criticality: 'medium',
    tier: 'tier2',
    techStack: [],
    environments: ['production'],
    assetKeys,
    ...over,
  };
}

export function dep(fromKey: string, toKey: string, over: Partial<CanonicalDependency> = {}): CanonicalDependency {
  return { fromKey, toKey, type: 'declared', port: null, protocol: 'tcp', confidence: 0.9, source: `row 1 column 'Depends On'`, ...over };
}

export const AS_OF = '2025-06-01';

/** A retail estate: web shop, payments (in a cycle with a legacy AIX ERP), inventory, reporting, mail and a dead CRM. */
export function retailEstate(): { apps: CanonicalApplication[]; assets: CanonicalAsset[]; deps: CanonicalDependency[] } {
  const assets: CanonicalAsset[] = [
    asset('shop-web-01', { criticality: 'critical', cpu: 8, memoryGb: 32, cpuUtilPct: 35, memoryUtilPct: 45, applications: ['web-shop'], sourceRows: [2] }),
    asset('shop-web-02', { criticality: 'critical', cpu: 8, memoryGb: 32, cpuUtilPct: 30, memoryUtilPct: 40, applications: ['web-shop'], sourceRows: [3] }),
    asset('shop-db-01', {
      assetType: 'database',
      os: 'Windows Server 2012 R2',
      osFamily: 'windows',
      osVersion: 'SQL Server 2012',
      criticality: 'critical',
      cpu: 16,
      memoryGb: 128,
      storageGb: 2048,
      cpuUtilPct: 55,
      memoryUtilPct: 80,
      monthlyCost: 2400,
      applications: ['web-shop'],
      sourceRows: [4],
    }),
    asset('pay-app-01', { os: 'Microsoft Windows Server 2008 R2 (64-bit)', osFamily: 'windows', osVersion: null, criticality: 'high', applications: ['payments'], sourceRows: [5] }),
    asset('pay-db-01', {
      assetType: 'database',
      os: 'Windows Server 2019',
      osFamily: 'windows',
      osVersion: 'SQL Server 2016',
      criticality: 'high',
      storageGb: 900,
      applications: ['payments'],
      sourceRows: [6],
    }),
    asset('erp-aix-01', { os: 'IBM AIX', osFamily: 'unix', osVersion: '7.1', criticality: 'high', cpu: 16, memoryGb: 64, applications: ['legacy-erp'], sourceRows: [7] }),
    asset('mail-01', { os: 'Windows Server 2012', osFamily: 'windows', osVersion: null, applications: ['intranet-mail'], sourceRows: [8] }),
    asset('rpt-01', { os: 'Ubuntu', osVersion: '18.04', cpu: 2, memoryGb: 4, cpuUtilPct: 3, memoryUtilPct: 20, environment: 'test', criticality: 'low', applications: ['reporting'], sourceRows: [9] }),
    asset('crm-01', { powerState: 'off', cpuUtilPct: null, memoryUtilPct: null, monthlyCost: 310, criticality: 'low', applications: ['old-crm'], sourceRows: [10] }),
    asset('inv-app-01', { os: 'Ubuntu', osVersion: '22.04', applications: ['inventory'], sourceRows: [11] }),
    asset('inv-db-01', { assetType: 'database', os: 'Ubuntu 22.04', osVersion: 'PostgreSQL 13', storageGb: 400, applications: ['inventory'], sourceRows: [12] }),
  ];
  const apps: CanonicalApplication[] = [
    app('web-shop', ['shop-web-01', 'shop-web-02', 'shop-db-01'], {
      criticality: 'critical',
      tier: 'tier1',
      techStack: ['Java 17', 'Spring Boot', 'nginx', 'SQL Server 2012'],
      environments: ['production', 'staging'],
    }),
    app('payments', ['pay-app-01', 'pay-db-01'], { criticality: 'high', tier: 'tier1', techStack: ['.NET Framework 4.8', 'IIS', 'SQL Server 2016'] }),
    app('legacy-erp', ['erp-aix-01'], { criticality: 'high', techStack: ['COBOL', 'Oracle 11g'], owner: null }),
    app('intranet-mail', ['mail-01'], { tier: 'tier3', techStack: ['Microsoft Exchange 2013'] }),
    app('reporting', ['rpt-01'], { criticality: 'low', tier: 'tier3', techStack: ['Python 3', 'cron batch'], environments: ['test'] }),
    app('old-crm', ['crm-01'], { criticality: 'low', tier: 'tier3', techStack: ['Siebel CRM'] }),
    app('inventory', ['inv-app-01', 'inv-db-01'], { techStack: ['Node.js 18', 'PostgreSQL 13'], environments: ['production', 'test'] }),
  ];
  const deps: CanonicalDependency[] = [
    dep('shop-web-01', 'shop-db-01'),
    dep('shop-web-02', 'shop-db-01'),
    dep('shop-web-01', 'pay-app-01'),
    dep('shop-web-02', 'inv-app-01'),
    dep('pay-app-01', 'pay-db-01'),
    dep('pay-app-01', 'erp-aix-01'),
    dep('erp-aix-01', 'pay-db-01', { type: 'inferred', confidence: 0.4 }),
    dep('inv-app-01', 'inv-db-01'),
    dep('rpt-01', 'shop-db-01'),
    dep('rpt-01', 'inv-db-01'),
  ];
  return { apps, assets, deps };
}

const CRITICALITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

/** Random application dependency graph (self-loops, cycles and duplicate edges included). */
export const arbAppGraph = fc
  .integer({ min: 1, max: 14 })
  .chain((n) =>
    fc.record({
      apps: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.record({
            criticality: fc.constantFrom(...CRITICALITIES),
            assets: fc.integer({ min: 0, max: 4 }),
          }).map((r) => app(`app-${String(i).padStart(2, '0')}`, Array.from({ length: r.assets }, (_, j) => `a${i}-${j}`), { criticality: r.criticality })),
        ),
      ),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: n * 3 }),
      maxApps: fc.integer({ min: 1, max: 5 }),
      maxAssets: fc.integer({ min: 1, max: 12 }),
    }),
  )
  .map(({ apps, edges, maxApps, maxAssets }) => ({
    apps,
    edges: edges.map(([f, t, c]): AppEdge => ({ fromApp: apps[f].key, toApp: apps[t].key, evidence: [], confidence: c })),
    maxApps,
    maxAssets,
  }));

/** Random estate: assets with random OS/utilisation/power state, grouped into applications, random asset edges. */
export const arbEstate = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.record({
      assets: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc
            .record({
              os: fc.constantFrom('Windows Server 2008 R2', 'Windows Server 2022', 'RHEL 7.9', 'Ubuntu 22.04', 'IBM AIX 7.2', null),
              cpu: fc.option(fc.integer({ min: 1, max: 64 }), { nil: null }),
              memoryGb: fc.option(fc.integer({ min: 1, max: 512 }), { nil: null }),
              cpuUtilPct: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
              power: fc.constantFrom('on' as const, 'off' as const, 'unknown' as const),
              criticality: fc.constantFrom(...CRITICALITIES),
              type: fc.constantFrom('server' as const, 'database' as const, 'storage' as const),
              appIndex: fc.nat(3),
            })
            .map((r) =>
              asset(`h${i}`, {
                os: r.os,
                osVersion: null,
                osFamily: r.os === null ? 'unknown' : r.os.startsWith('Windows') ? 'windows' : r.os.startsWith('IBM') ? 'unix' : 'linux',
                cpu: r.cpu,
                memoryGb: r.memoryGb,
                cpuUtilPct: r.cpuUtilPct,
                powerState: r.power,
                criticality: r.criticality,
                assetType: r.type,
                applications: [`svc-${r.appIndex}`],
              }),
            ),
        ),
      ),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(0.3, 0.6, 0.95)), { maxLength: n * 2 }),
      stacks: fc.array(fc.subarray(['Java 8', 'Node.js', 'SQL Server 2014', 'PostgreSQL 15', 'Exchange', 'COBOL', 'cron']), { minLength: 4, maxLength: 4 }),
    }),
  )
  .map(({ assets, edges, stacks }) => {
    const apps = [0, 1, 2, 3]
      .map((i) =>
        app(`svc-${i}`, assets.filter((a) => a.applications.includes(`svc-${i}`)).map((a) => a.key), {
          techStack: stacks[i],
          criticality: CRITICALITIES[i],
        }),
      )
      .filter((a) => a.assetKeys.length > 0);
    const deps = edges.map(([f, t, c]) => dep(assets[f].key, assets[t].key, { confidence: c }));
    return { apps, assets, deps };
  });

/** Evidence ids in the formats model.ts documents. */
export const EVIDENCE_ID = /^(asset|app|rule):[^\s]+$|^dep:[^\s]+->[^\s]+$|^row:\d+$/;
