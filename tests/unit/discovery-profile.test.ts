import type { RawRow } from '../../activities/analysis/model';
import { parseImport } from '../../activities/analysis/discovery/formats';
import { explainCriticalIssues, profileData } from '../../activities/analysis/discovery/profile';
import { fixture, fixtureTruth } from './discovery-helpers';

const truth = fixtureTruth();

test('profiling the CMDB fixture finds the planted duplicates and invalid IPs', () => {
  const { columns, rows } = parseImport(fixture('cmdb.csv'));
  const profile = profileData(columns, rows);

  const hostDuplicates = profile.duplicates.filter((group) => group.kind === 'hostname');
  expect(hostDuplicates.reduce((sum, group) => sum + group.count - 1, 0)).toBe(truth.duplicateRowCount);
  expect(hostDuplicates.every((group) => truth.hostnames.includes(group.value))).toBe(true);

  const ip = profile.columns.find((column) => column.column === 'IP Address')!;
  expect(ip.role).toBe('ip');
  expect(ip.inferredType).toBe('ip');
  expect(ip.invalidIpCount).toBe(truth.invalidIpCount);

  const name = profile.columns.find((column) => column.column === 'Name')!;
  expect(name.role).toBe('host_id');
  expect(name.sampleValues.length).toBeLessThanOrEqual(5);
  expect(profile.columns.find((column) => column.column === 'CPU Cores')!.inferredType).toBe('integer');

  const codes = profile.issues.map((issue) => issue.code);
  expect(codes).toEqual(expect.arrayContaining(['DUPLICATE_HOSTS', 'INVALID_IPS', 'MIXED_UNITS']));
  // Planted at realistic rates (4% duplicates, ~2.5% invalid IPs): worth a warning, not a blocking gate.
  expect(profile.issues.filter((issue) => issue.severity === 'critical')).toEqual([]);
  expect(profile.qualityScore).toBeGreaterThan(80);
  expect(profile.qualityScore).toBeLessThanOrEqual(100);
});

function rows(data: Record<string, string>[]): RawRow[] {
  return data.map((row, index) => ({ rowNumber: index + 1, data: row }));
}

test('critical issues: incomplete host identifier, many invalid IPs, many duplicates', () => {
  const data = rows([
    { Hostname: 'web01', 'IP Address': '10.0.0.1' },
    { Hostname: 'WEB01.corp.local', 'IP Address': '10.0.0.999' },
    { Hostname: 'web01', 'IP Address': '10.0.0.3' },
    { Hostname: '', 'IP Address': '10.0.0.4' },
    { Hostname: 'n/a', 'IP Address': 'not-an-ip' },
    { Hostname: 'db01', 'IP Address': '10.0.0.6' },
    { Hostname: 'db02', 'IP Address': '10.0.0.7' },
    { Hostname: 'db03', 'IP Address': '10.0.0.8' },
    { Hostname: 'db04', 'IP Address': '10.0.0.9' },
    { Hostname: 'db05', 'IP Address': '10.0.0.10' },
  ]);
  const profile = profileData(['Hostname', 'IP Address'], data);
  const critical = profile.issues.filter((issue) => issue.severity === 'critical');
  expect(critical.map((issue) => issue.code).sort()).toEqual(['DUPLICATE_HOSTS', 'HOST_ID_INCOMPLETE', 'INVALID_IPS']);
  expect(critical.find((issue) => issue.code === 'HOST_ID_INCOMPLETE')).toMatchObject({ rowNumbers: [4, 5], affectedRows: 2 });
  expect(critical.find((issue) => issue.code === 'INVALID_IPS')).toMatchObject({ rowNumbers: [2, 5], affectedRows: 2 });
  expect(critical.find((issue) => issue.code === 'DUPLICATE_HOSTS')).toMatchObject({ rowNumbers: [1, 2, 3], affectedRows: 3 });

  const explanations = explainCriticalIssues(profile);
  expect(explanations).toHaveLength(3);
  expect(explanations.find((text) => text.startsWith('2 of 10 rows'))).toMatch(/rows 4, 5.*rejected during cleansing/);
  expect(explanations.find((text) => text.includes('invalid IP'))).toMatch(/2 invalid IP addresses out of 10 .*'10\.0\.0\.999'.*rows 2, 5.*correct/);
  expect(explanations.find((text) => text.includes('repeat a host'))).toMatch(/2 rows \(20%\).*'web01' in rows 1, 2, 3/);
  expect(profile.qualityScore).toBeLessThan(80);
});

test('row numbers listed on an issue are capped at 50 while the count is complete', () => {
  const data = rows(Array.from({ length: 200 }, (_, index) => ({ name: `host${index}`, ip: index < 120 ? '' : `10.0.0.${index - 100}` })));
  const issue = profileData(['name', 'ip'], data).issues.find((candidate) => candidate.code === 'LOW_COMPLETENESS')!;
  expect(issue.affectedRows).toBe(120);
  expect(issue.rowNumbers).toHaveLength(50);
});
