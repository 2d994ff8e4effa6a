import type { RawRow } from '../../activities/analysis/model';
import { parseImport } from '../../activities/analysis/discovery/formats';
import { applyMappingChanges, detectUnit, resolveAmbiguous, suggestMapping } from '../../activities/analysis/discovery/mapping';
import { fixture, targets } from './discovery-helpers';

function mapFile(name: string) {
  const { columns, rows } = parseImport(fixture(name), name);
  const suggested = suggestMapping(columns, rows);
  return { columns, rows, suggested, resolved: resolveAmbiguous(suggested, columns, rows) };
}

test('every CMDB column the generator writes maps to its field, confidently', () => {
  const { suggested } = mapFile('cmdb.csv');
  expect(targets(suggested)).toEqual({
    Name: 'hostname',
    'IP Address': 'ip',
    'Operating System': 'os',
    'OS Version': 'os_version',
    'CPU Cores': 'cpu',
    'RAM (GB)': 'memory_gb',
    'Disk (GB)': 'storage_gb',
    Environment: 'environment',
    Criticality: 'criticality',
    Owner: 'owner',
    Location: 'location',
    Application: 'application',
    'Depends On': 'depends_on',
    'Monthly Cost': 'monthly_cost',
    'Serial Number': 'serial',
    'CPU Util %': 'cpu_util_pct',
    'Mem Util %': 'memory_util_pct',
    Type: 'asset_type',
  });
  for (const entry of suggested.entries) {
    expect(entry).toMatchObject({ ambiguous: false, decidedBy: 'rules' });
    expect(entry.confidence).toBeGreaterThanOrEqual(0.9);
    expect(entry.reasons.length).toBeGreaterThan(0);
  }
});

test('every RVTools vInfo column maps to its field; VM vs DNS Name is left to the resolver', () => {
  const { suggested, resolved } = mapFile('rvtools-vinfo.csv');
  const byColumn = new Map(suggested.entries.map((entry) => [entry.sourceColumn, entry]));
  expect(byColumn.get('VM')).toMatchObject({ target: 'hostname', ambiguous: true });
  expect(byColumn.get('DNS Name')).toMatchObject({ target: null, ambiguous: true, alternatives: [{ target: 'hostname', confidence: expect.any(Number) }] });

  expect(targets(resolved)).toEqual({
    VM: 'hostname',
    Powerstate: 'power_state',
    CPUs: 'cpu',
    Memory: 'memory_gb',
    'Provisioned MiB': 'storage_gb',
    'In Use MiB': null,
    'OS according to the configuration file': 'os',
    'OS according to the VMware Tools': null,
    'Primary IP Address': 'ip',
    'DNS Name': null,
    Datacenter: 'location',
    Cluster: null,
    Host: null,
    Annotation: 'application',
  });
  const vm = resolved.entries.find((entry) => entry.sourceColumn === 'VM')!;
  expect(vm).toMatchObject({ decidedBy: 'resolver', ambiguous: false });
  expect(vm.reasons.at(-1)).toMatch(/resolver: mapped to hostname .*'DNS Name' scored/);
  const dns = resolved.entries.find((entry) => entry.sourceColumn === 'DNS Name')!;
  expect(dns).toMatchObject({ decidedBy: 'resolver', target: null, ambiguous: false });
  expect(dns.reasons.at(-1)).toMatch(/hostname is taken from 'VM'.*100% of its values name the same hosts/);
  expect(resolved.entries.some((entry) => entry.ambiguous)).toBe(false);
});

test('every JSON inventory key maps to its field', () => {
  const { resolved } = mapFile('inventory.json');
  expect(targets(resolved)).toEqual({
    hostname: 'hostname',
    'network.ip': 'ip',
    'os.name': 'os',
    'os.version': 'os_version',
    cpu: 'cpu',
    memoryGb: 'memory_gb',
    storageGb: 'storage_gb',
    environment: 'environment',
    criticality: 'criticality',
    owner: 'owner',
    location: 'location',
    application: 'application',
    dependsOn: 'depends_on',
    serialNumber: 'serial',
    monthlyCost: 'monthly_cost',
    'utilisation.cpuPct': 'cpu_util_pct',
    'utilisation.memoryPct': 'memory_util_pct',
    type: 'asset_type',
    powerState: 'power_state',
  });
});

test('values alone propose a field but never confidently; the resolver confirms it from the values', () => {
  const rows: RawRow[] = Array.from({ length: 40 }, (_, index) => ({
    rowNumber: index + 1,
    data: { Hostname: `srv${index}`, Col7: `10.1.0.${index + 1}`, Col8: index % 2 ? 'PRD' : 'UAT', Col9: 'blue' },
  }));
  const columns = ['Hostname', 'Col7', 'Col8', 'Col9'];
  const suggested = suggestMapping(columns, rows);
  const col7 = suggested.entries.find((entry) => entry.sourceColumn === 'Col7')!;
  expect(col7).toMatchObject({ target: 'ip', ambiguous: true });
  expect(col7.confidence).toBeLessThan(0.6);
  expect(suggested.entries.find((entry) => entry.sourceColumn === 'Col9')).toMatchObject({ target: null, ambiguous: false });

  const resolved = resolveAmbiguous(suggested, columns, rows);
  expect(targets(resolved)).toEqual({ Hostname: 'hostname', Col7: 'ip', Col8: 'environment', Col9: null });
  expect(resolved.entries.find((entry) => entry.sourceColumn === 'Col7')!.reasons.at(-1)).toMatch(/100% of values look like IP addresses/);
});

test('the resolver leaves a weak guess unmapped and says why', () => {
  const rows: RawRow[] = Array.from({ length: 20 }, (_, index) => ({ rowNumber: index + 1, data: { Name: `srv${index}`, Enviroment: index % 3 ? 'PRD' : 'DEV', Stat: 'x' } }));
  const suggested = suggestMapping(['Name', 'Enviroment', 'Stat'], rows);
  // A typo in the header still matches by edit distance, and the values back it up.
  expect(suggested.entries.find((entry) => entry.sourceColumn === 'Enviroment')).toMatchObject({ target: 'environment', ambiguous: false });
});

describe('applyMappingChanges', () => {
  const { suggested } = mapFile('cmdb.csv');

  test('moves a field to another column and takes it from the column that had it', () => {
    const changed = applyMappingChanges(suggested, { Owner: 'location' });
    const owner = changed.entries.find((entry) => entry.sourceColumn === 'Owner')!;
    const location = changed.entries.find((entry) => entry.sourceColumn === 'Location')!;
    expect(owner).toMatchObject({ target: 'location', confidence: 1, decidedBy: 'user', ambiguous: false });
    expect(location).toMatchObject({ target: null, decidedBy: 'user' });
    expect(location.reasons.at(-1)).toBe("user: location moved to 'Owner'");
    expect(changed.entries.filter((entry) => entry.target === 'location')).toHaveLength(1);
  });

  test('null unmaps; untouched entries stay as they were', () => {
    const changed = applyMappingChanges(suggested, { Type: null });
    expect(changed.entries.find((entry) => entry.sourceColumn === 'Type')).toMatchObject({ target: null, decidedBy: 'user', confidence: 1 });
    expect(changed.entries.find((entry) => entry.sourceColumn === 'Name')).toBe(suggested.entries.find((entry) => entry.sourceColumn === 'Name'));
  });

  test('swapping two columns in one edit is allowed', () => {
    const changed = applyMappingChanges(suggested, { Owner: 'location', Location: 'owner' });
    expect(targets(changed)).toMatchObject({ Owner: 'location', Location: 'owner' });
  });

  test('unknown columns, unknown fields and one field for two columns are refused', () => {
    expect(() => applyMappingChanges(suggested, { 'No Such Column': 'ip' })).toThrow("unknown column 'No Such Column'");
    expect(() => applyMappingChanges(suggested, { Owner: 'colour' as never })).toThrow("column 'Owner' names unknown field 'colour'");
    expect(() => applyMappingChanges(suggested, { Owner: 'ip', Location: 'ip' })).toThrow(/both 'Owner' and 'Location' to ip/);
  });
});

test.each([
  ['Memory (MiB)', 'mib'],
  ['Provisioned MiB', 'mib'],
  ['RAM MB', 'mb'],
  ['Disk TB', 'tb'],
  ['RAM (GB)', 'gb'],
  ['memoryGb', 'gb'],
  ['Memory GiB', 'gib'],
  ['Memory', null],
  ['Monthly Cost', null],
])('detectUnit(%p) = %p', (header, unit) => {
  expect(detectUnit(header)).toBe(unit);
});
