import type { CanonicalAsset } from '../../activities/analysis/model';
import { buildInventory } from '../../activities/analysis/discovery/inventory';
import { fixture, fixtureTruth, runPipeline } from './discovery-helpers';

const truth = fixtureTruth();

function asset(key: string, overrides: Partial<CanonicalAsset> = {}): CanonicalAsset {
  return {
    key, hostname: key, fqdn: null, ip: null, serial: null, assetType: 'server', os: null, osFamily: 'unknown', osVersion: null,
    cpu: null, memoryGb: null, storageGb: null, cpuUtilPct: null, memoryUtilPct: null, environment: 'unknown', criticality: 'unknown',
    owner: null, location: null, monthlyCost: null, powerState: 'unknown', applications: [], dependsOn: [], sourceRows: [1], ...overrides,
  };
}

test('dependencies resolve by hostname, FQDN and IP; self-edges dropped; duplicates merged', () => {
  const assets = [
    asset('web01', { applications: ['Shop'], owner: 'Ana', criticality: 'medium', environment: 'production', osFamily: 'linux', sourceRows: [1, 9],
      dependsOn: [
        { target: 'app01.corp.local', port: 8080, protocol: null },
        { target: 'app01', port: 8443, protocol: 'tcp' },
        { target: '10.0.0.3', port: 5432, protocol: null },
        { target: 'web01', port: 80, protocol: null },
        { target: 'mainframe', port: 23, protocol: null },
        { target: '10.9.9.9', port: null, protocol: null },
      ] }),
    asset('app01', { fqdn: 'app01.corp.local', applications: ['Shop', 'Billing'], owner: 'Ana', criticality: 'critical', environment: 'test', osFamily: 'windows' }),
    asset('pgsqldb01', { ip: '10.0.0.3', applications: ['shop'], owner: 'Bo', assetType: 'database', osFamily: 'linux' }),
  ];
  const inventory = buildInventory(assets);
  expect(inventory.dependencies).toEqual([
    { fromKey: 'web01', toKey: 'app01', type: 'declared', port: 8080, protocol: 'tcp', confidence: 0.9, source: 'declared by web01 (rows 1, 9); ports 8080, 8443' },
    { fromKey: 'web01', toKey: 'pgsqldb01', type: 'declared', port: 5432, protocol: null, confidence: 0.7, source: 'declared by web01 (rows 1, 9)' },
  ]);
  expect(inventory.unresolvedDependencies).toEqual([
    { fromKey: 'web01', target: '10.9.9.9', reason: 'no asset has IP 10.9.9.9' },
    { fromKey: 'web01', target: 'mainframe', reason: "no asset is named 'mainframe'" },
  ]);
  expect(inventory.applications).toEqual([
    { key: 'billing', name: 'Billing', owner: 'Ana', criticality: 'critical', tier: 'tier1', techStack: ['windows'], environments: ['test'], assetKeys: ['app01'] },
    { key: 'shop', name: 'Shop', owner: 'Ana', criticality: 'critical', tier: 'tier1', techStack: ['linux', 'postgresql', 'windows'], environments: ['production', 'test'], assetKeys: ['app01', 'pgsqldb01', 'web01'] },
  ]);
  expect(inventory.memberships).toHaveLength(4);
  expect(inventory.completeness.byField.application).toBe(100);
  expect(inventory.completeness.byField.ip).toBe(33.3);
  expect(inventory.completeness.score).toBeGreaterThan(0);
});

test('an IP shared by two assets resolves to neither', () => {
  const inventory = buildInventory([
    asset('a', { ip: '10.0.0.1' }),
    asset('b', { ip: '10.0.0.1' }),
    asset('c', { dependsOn: [{ target: '10.0.0.1', port: null, protocol: null }] }),
  ]);
  expect(inventory.dependencies).toEqual([]);
  expect(inventory.unresolvedDependencies[0].reason).toBe('IP 10.0.0.1 belongs to more than one asset');
});

test.each(['cmdb.csv', 'inventory.json'])('the %s fixture resolves every planted dependency', (name) => {
  const { inventory } = runPipeline(fixture(name), name);
  expect(inventory.dependencies).toHaveLength(truth.dependencyCount);
  expect(inventory.unresolvedDependencies).toHaveLength(truth.unresolvableDependencyCount);
  expect(inventory.applications.map((app) => app.name).sort()).toEqual(truth.applications);
  expect(inventory.dependencies.some((dependency) => dependency.confidence === 0.7)).toBe(true);
  expect(inventory.completeness.score).toBeGreaterThan(85);
});
