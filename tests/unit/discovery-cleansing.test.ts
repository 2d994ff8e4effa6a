import type { CanonicalField, RawRow } from '../../activities/analysis/model';
import { cleanseRows } from '../../activities/analysis/discovery/cleansing';
import type { FieldMapping } from '../../activities/analysis/discovery/mapping';
import { normaliseCriticality, normaliseEnvironment, parseCost, parseDependencies, parsePercentage, toGigabytes } from '../../activities/analysis/discovery/normalise';
import { parseOs } from '../../activities/analysis/discovery/os';
import { fixtureTruth, fixture, runPipeline } from './discovery-helpers';

const truth = fixtureTruth();

test.each([
  ['Microsoft Windows Server 2012 R2 (64-bit)', null, 'windows', 'Windows Server', '2012 R2'],
  ['Win2k8 R2', null, 'windows', 'Windows Server', '2008 R2'],
  ['Windows 2008 R2', null, 'windows', 'Windows Server', '2008 R2'],
  ['RHEL 7.9', null, 'linux', 'Red Hat Enterprise Linux', '7.9'],
  ['RHEL', '6.10', 'linux', 'Red Hat Enterprise Linux', '6.10'],
  ['Red Hat Enterprise Linux 8', null, 'linux', 'Red Hat Enterprise Linux', '8'],
  ['Red Hat Enterprise Linux Server release 7.9 (Maipo)', null, 'linux', 'Red Hat Enterprise Linux', '7.9'],
  ['CentOS 6', null, 'linux', 'CentOS', '6'],
  ['CentOS 4/5/6 (64-bit)', null, 'linux', 'CentOS', null],
  ['Ubuntu 18.04 LTS', null, 'linux', 'Ubuntu', '18.04'],
  ['SLES 12 SP5', null, 'linux', 'SUSE Linux Enterprise Server', '12 SP5'],
  ['Oracle Linux 7.6', null, 'linux', 'Oracle Linux', '7.6'],
  ['AIX 7.1', null, 'unix', 'AIX', '7.1'],
  ['Solaris 10', null, 'unix', 'Solaris', '10'],
  ['SunOS 5.11', null, 'unix', 'Solaris', '11'],
  ['Windows Server 2012 R2', '6.3.9600', 'windows', 'Windows Server', '2012 R2'],
  ['BeOS R5', null, 'other', 'BeOS R5', null],
  [null, null, 'unknown', null, null],
] as const)('parseOs(%p, %p) → %s %s %s', (os, version, family, product, expected) => {
  expect(parseOs(os, version)).toEqual({ family, product, version: expected });
});

test('label, unit and number normalisers', () => {
  expect(['PRD', 'Prod', 'production', 'P', 'Production - EU'].map(normaliseEnvironment)).toEqual(Array(5).fill('production'));
  expect(['UAT', 'QA', 'Test', 'DEV', 'STG', 'Staging', 'preprod', 'Pre-Prod', 'DR', 'Lab'].map(normaliseEnvironment)).toEqual(['test', 'test', 'test', 'development', 'staging', 'staging', 'staging', 'staging', 'dr', 'unknown']);
  expect(['1', '1 - Critical', 'Tier 1', 'Mission Critical', '2', 'High', 'Business Critical', '3', 'Medium', '4', 'Low', 'Tier 4', 'whatever'].map(normaliseCriticality)).toEqual([
    'critical', 'critical', 'critical', 'critical', 'high', 'high', 'high', 'medium', 'medium', 'low', 'low', 'low', 'unknown',
  ]);
  expect(toGigabytes('16 GB', null)).toBe(16);
  expect(toGigabytes('16384MB', 'gb')).toBe(16);
  expect(toGigabytes('16384', 'mib')).toBe(16);
  expect(toGigabytes('1.5 TB', null)).toBe(1536);
  expect(toGigabytes('lots', null)).toBeNull();
  expect(parsePercentage('45%')).toBe(45);
  expect(parsePercentage('145')).toBeNull();
  expect(parseCost('$1,234.50')).toBe(1234.5);
  expect(parseCost('USD 980.00')).toBe(980);
  expect(parseCost('€ 1.234,50')).toBe(1234.5);
  expect(parseDependencies('db01:1433/tcp; 10.0.0.7:5432, MQ01 , ???')).toEqual({
    dependencies: [
      { target: 'db01', port: 1433, protocol: 'tcp' },
      { target: '10.0.0.7', port: 5432, protocol: null },
      { target: 'mq01', port: null, protocol: null },
    ],
    unreadable: ['???'],
  });
});

function mapping(targets: Record<string, CanonicalField>): FieldMapping {
  return {
    entries: Object.entries(targets).map(([sourceColumn, target]) => ({ sourceColumn, target, confidence: 1, reasons: [], alternatives: [], ambiguous: false, decidedBy: 'user' as const })),
  };
}

test('rows are normalised, duplicates merged by hostname then IP then serial, unidentifiable rows rejected', () => {
  const rows: RawRow[] = [
    { rowNumber: 1, data: { Name: 'WEB01.corp.local', IP: '10.0.0.1', OS: 'RHEL 7.9', RAM: '16384MB', Env: 'PRD', App: 'Shop; Search', Dep: 'db01:5432;10.0.0.9:80', Serial: 'AB12345', Cost: '' } },
    { rowNumber: 2, data: { Name: 'web01', IP: 'n/a', OS: '', RAM: '16', Env: '', App: 'Shop', Dep: '', Serial: '', Cost: '$1,000.00' } },
    { rowNumber: 3, data: { Name: '', IP: '10.0.0.2', OS: 'Windows 2012 R2', RAM: '8 GB', Env: 'UAT', App: '', Dep: '', Serial: '', Cost: '' } },
    { rowNumber: 4, data: { Name: 'sqlprd01', IP: '10.0.0.2', OS: 'Windows 2012 R2', RAM: '', Env: 'Prod', App: 'Shop', Dep: '', Serial: '', Cost: '' } },
    { rowNumber: 5, data: { Name: 'other01', IP: '10.0.0.2', OS: '', RAM: '', Env: '', App: '', Dep: '', Serial: '', Cost: '' } },
    { rowNumber: 6, data: { Name: '', IP: '10.0.300.1', OS: 'AIX 7.1', RAM: '', Env: 'DEV', App: '', Dep: '', Serial: '', Cost: '' } },
    { rowNumber: 7, data: { Name: '', IP: '', OS: '', RAM: '', Env: '', App: '', Dep: '', Serial: 'ab12345', Cost: '' } },
  ];
  const result = cleanseRows(rows, mapping({ Name: 'hostname', IP: 'ip', OS: 'os', RAM: 'memory_gb', Env: 'environment', App: 'application', Dep: 'depends_on', Serial: 'serial', Cost: 'monthly_cost' }));

  expect(result.assets.map((asset) => asset.key)).toEqual(['other01', 'sqlprd01', 'web01']);
  const web = result.assets.find((asset) => asset.key === 'web01')!;
  expect(web).toMatchObject({
    hostname: 'web01', fqdn: 'web01.corp.local', ip: '10.0.0.1', osFamily: 'linux', osVersion: '7.9', memoryGb: 16, environment: 'production',
    applications: ['Shop', 'Search'], monthlyCost: 1000, sourceRows: [1, 2, 7], serial: 'AB12345',
  });
  expect(web.dependsOn).toEqual([{ target: 'db01', port: 5432, protocol: null }, { target: '10.0.0.9', port: 80, protocol: null }]);
  // Row 3 has no name but shares an IP with sqlprd01; other01 shares it too but has its own name, so it stays apart.
  expect(result.assets.find((asset) => asset.key === 'sqlprd01')).toMatchObject({ sourceRows: [3, 4], assetType: 'database', memoryGb: 8, environment: 'test' });
  expect(result.duplicatesMerged).toEqual([
    { key: 'sqlprd01', rowNumbers: [3, 4], matchedOn: 'ip' },
    { key: 'web01', rowNumbers: [1, 2, 7], matchedOn: 'hostname' },
  ]);
  expect(result.rejectedRows).toEqual([{ rowNumber: 6, reason: "no hostname or serial number, and the IP address '10.0.300.1' is invalid" }]);
  expect(result.changes).toEqual(expect.arrayContaining([
    { rowNumber: 1, field: 'hostname', from: 'WEB01.corp.local', to: 'web01', rule: 'hostname_domain_split' },
    { rowNumber: 1, field: 'memory_gb', from: '16384MB', to: '16', rule: 'unit_to_gb' },
    { rowNumber: 1, field: 'environment', from: 'PRD', to: 'production', rule: 'environment_label' },
    { rowNumber: 2, field: 'ip', from: 'n/a', to: '', rule: 'placeholder_removed' },
    { rowNumber: 6, field: 'ip', from: '10.0.300.1', to: '', rule: 'ip_invalid' },
    { rowNumber: 2, field: 'monthly_cost', from: '$1,000.00', to: '1000', rule: 'cost_parsed' },
  ]));
  // Rejected rows are normalised too (their changes explain what was wrong with them).
  expect(result.changeCounts.environment_label).toBe(4);
});

test('cleansing the CMDB fixture: labels normalised, planted duplicates merged, junk row rejected', () => {
  const { cleansing } = runPipeline(fixture('cmdb.csv'), 'cmdb.csv');
  expect(cleansing.assets.map((asset) => asset.key)).toEqual(truth.hostnames);
  expect(cleansing.duplicatesMerged.reduce((sum, group) => sum + group.rowNumbers.length - 1, 0)).toBe(truth.duplicateRowCount);
  expect(cleansing.duplicatesMerged.every((group) => group.matchedOn === 'hostname')).toBe(true);
  expect(cleansing.rejectedRows).toHaveLength(truth.rejectedRowCount);
  for (const asset of cleansing.assets) {
    expect(asset.environment).not.toBe('unknown');
    expect(asset.criticality).not.toBe('unknown');
    expect(asset.osFamily).not.toMatch(/unknown|other/);
    expect(asset.memoryGb).toBeGreaterThanOrEqual(4);
    expect(asset.memoryGb).toBeLessThanOrEqual(128);
    expect(asset.hostname).toBe(asset.hostname.toLowerCase());
  }
  expect(cleansing.assets.filter((asset) => asset.assetType === 'database').length).toBeGreaterThan(0);
  expect(cleansing.changeCounts.ip_invalid).toBe(truth.invalidIpCount);
  const endOfLife = cleansing.assets.filter((asset) => (asset.os === 'CentOS' && asset.osVersion?.startsWith('6')) || asset.osVersion === '2008 R2');
  expect(endOfLife.length).toBeGreaterThan(0);
});

test('the RVTools fixture converts MiB to GB and keeps only VMs', () => {
  const { cleansing } = runPipeline(fixture('rvtools-vinfo.csv'), 'rvtools-vinfo.csv');
  expect(cleansing.assets).toHaveLength(truth.rvtoolsVmCount);
  for (const asset of cleansing.assets) {
    expect([4, 8, 16, 32, 64, 128]).toContain(asset.memoryGb);
    expect([60, 100, 200, 500, 1024, 2048]).toContain(asset.storageGb);
    expect(asset.powerState).not.toBe('unknown');
  }
});

test('the stored change list is capped while the counts stay complete', () => {
  const rows: RawRow[] = Array.from({ length: 2500 }, (_, index) => ({ rowNumber: index + 1, data: { Name: `HOST${index}`, Env: 'PRD' } }));
  const result = cleanseRows(rows, mapping({ Name: 'hostname', Env: 'environment' }));
  expect(result.changes).toHaveLength(2000);
  expect(result.changeCounts).toEqual({ hostname_lowercase: 2500, environment_label: 2500 });
});
