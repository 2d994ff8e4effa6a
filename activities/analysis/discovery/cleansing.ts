/**
 * `data_cleansing`: mapped raw rows → canonical assets. Every value goes through its normaliser (OS, units,
 * labels, IPs…) and every change is recorded with the rule that made it; rows describing the same host are
 * merged; rows that identify nothing are rejected with the reason.
 */
import type { AssetType, CanonicalAsset, CanonicalField, Criticality, DeclaredDependency, Environment, RawRow } from '../model';
import type { FieldMapping } from './mapping';
import {
  columnSizeUnit,
  normaliseCriticality,
  normaliseEnvironment,
  normaliseIp,
  normalisePowerState,
  parseApplications,
  parseCost,
  parseDependencies,
  parseNumber,
  parsePercentage,
  splitHostname,
  toGigabytes,
  type SizeUnit,
} from './normalise';
import { parseOs } from './os';
import { cellText, compareText, isPlaceholder, isValidIp, type RawValue } from './patterns';

export interface CleansingChange {
  rowNumber: number;
  field: CanonicalField;
  from: string;
  to: string;
  rule: string;
}

export interface CleansingResult {
  assets: CanonicalAsset[];
  /** The first MAX_STORED_CHANGES changes; `changeCounts` counts all of them. */
  changes: CleansingChange[];
  /** Number of changes per rule. */
  changeCounts: Record<string, number>;
  duplicatesMerged: { key: string; rowNumbers: number[]; matchedOn: 'hostname' | 'ip' | 'serial' }[];
  rejectedRows: { rowNumber: number; reason: string }[];
}

/** Enough to show a reviewer every kind of change; the counts keep the full picture. */
const MAX_STORED_CHANGES = 2000;

export function cleanseRows(rows: RawRow[], mapping: FieldMapping): CleansingResult {
  const columnOf = new Map<CanonicalField, string>();
  for (const entry of mapping.entries) if (entry.target !== null) columnOf.set(entry.target, entry.sourceColumn);

  const log = new ChangeLog();
  const units = sizeUnits(rows, columnOf);
  const records: RowRecord[] = [];
  const rejectedRows: CleansingResult['rejectedRows'] = [];
  for (const row of rows) {
    const record = normaliseRow(row, columnOf, units, log);
    if (record.hostname === null && record.ip === null && record.serial === null) {
      rejectedRows.push({ rowNumber: row.rowNumber, reason: rejectionReason(row, columnOf) });
    } else {
      records.push(record);
    }
  }

  const merged = groupDuplicates(records).map((group) => ({ group, asset: mergeGroup(group.records) }));
  merged.sort((a, b) => compareText(a.asset.key, b.asset.key));
  const duplicatesMerged = merged
    .filter(({ group }) => group.records.length > 1)
    .map(({ group, asset }) => ({ key: asset.key, rowNumbers: asset.sourceRows, matchedOn: group.matchedOn ?? ('hostname' as const) }));
  const assets = merged.map(({ asset }) => asset);
  return { assets, changes: log.changes, changeCounts: log.counts, duplicatesMerged, rejectedRows };
}

// ------------------------------------------------------------------------------------------ changes

class ChangeLog {
  readonly changes: CleansingChange[] = [];
  readonly counts: Record<string, number> = {};

  record(rowNumber: number, field: CanonicalField, from: string, to: string, rule: string): void {
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
    if (this.changes.length < MAX_STORED_CHANGES) this.changes.push({ rowNumber, field, from, to, rule });
  }
}

// ------------------------------------------------------------------------------------------- per row

/** One row, normalised, before duplicates are merged. */
interface RowRecord extends Omit<CanonicalAsset, 'key' | 'hostname' | 'sourceRows'> {
  rowNumber: number;
  hostname: string | null;
}

function sizeUnits(rows: RawRow[], columnOf: Map<CanonicalField, string>): Record<'memory_gb' | 'storage_gb', SizeUnit | null> {
  const unit = (field: 'memory_gb' | 'storage_gb') => {
    const column = columnOf.get(field);
    if (column === undefined) return null;
    const texts = rows.map((row) => cellText(row.data[column])).filter((text): text is string => text !== null);
    return columnSizeUnit(column, field, texts);
  };
  return { memory_gb: unit('memory_gb'), storage_gb: unit('storage_gb') };
}

function normaliseRow(
  row: RawRow,
  columnOf: Map<CanonicalField, string>,
  units: Record<'memory_gb' | 'storage_gb', SizeUnit | null>,
  log: ChangeLog,
): RowRecord {
  const raw = (field: CanonicalField): RawValue => {
    const column = columnOf.get(field);
    return column === undefined ? null : (row.data[column] ?? null);
  };
  const change = (field: CanonicalField, from: string, to: string, rule: string) => log.record(row.rowNumber, field, from, to, rule);

  /** The cell's text, recording a change when a placeholder ("n/a") is dropped. */
  const text = (field: CanonicalField): string | null => {
    const value = raw(field);
    const cell = cellText(value);
    if (cell === null && value !== null && String(value).trim() !== '' && isPlaceholder(String(value))) change(field, String(value), '', 'placeholder_removed');
    return cell;
  };

  /** Runs a normaliser; a null result or a different value is recorded under the given rules. */
  const normalised = <T>(field: CanonicalField, parse: (cell: string) => T | null, rule: string, invalidRule: string, show: (value: T) => string = String): T | null => {
    const cell = text(field);
    if (cell === null) return null;
    const value = parse(cell);
    if (value === null) change(field, cell, '', invalidRule);
    else if (show(value) !== cell) change(field, cell, show(value), rule);
    return value;
  };

  const identity = identify(text('hostname'), text('ip'), row.rowNumber, log);
  const osText = text('os');
  const versionText = text('os_version');
  const os = parseOs(osText, versionText);
  if (osText !== null && os.product !== osText) change('os', osText, os.product ?? '', 'os_normalised');
  if (os.version !== null && os.version !== versionText) change('os_version', versionText ?? '', os.version, versionText === null ? 'os_version_from_os_text' : 'os_version_normalised');

  const environment = label(text('environment'), normaliseEnvironment, (from, to) => change('environment', from, to, to === 'unknown' ? 'environment_unknown' : 'environment_label'));
  const criticality = label(text('criticality'), normaliseCriticality, (from, to) => change('criticality', from, to, to === 'unknown' ? 'criticality_unknown' : 'criticality_label'));
  const powerState = label(text('power_state'), normalisePowerState, (from, to) => change('power_state', from, to, to === 'unknown' ? 'power_state_unknown' : 'power_state_label'));

  const applicationText = text('application');
  const applications = applicationText === null ? [] : parseApplications(applicationText);
  if (applications.length > 1) change('application', applicationText!, applications.join('; '), 'application_split');

  const dependencyText = text('depends_on');
  const { dependencies, unreadable } = dependencyText === null ? { dependencies: [], unreadable: [] } : parseDependencies(dependencyText);
  for (const entry of unreadable) change('depends_on', entry, '', 'dependency_unreadable');

  const serial = text('serial');
  const typeText = text('asset_type');
  const record: RowRecord = {
    rowNumber: row.rowNumber,
    ...identity,
    serial,
    assetType: 'server',
    os: os.product,
    osFamily: os.family,
    osVersion: os.version,
    cpu: normalised('cpu', (cell) => positive(parseNumber(cell), Math.round), 'number_parsed', 'number_invalid'),
    memoryGb: normalised('memory_gb', (cell) => toGigabytes(cell, units.memory_gb), 'unit_to_gb', 'number_invalid'),
    storageGb: normalised('storage_gb', (cell) => toGigabytes(cell, units.storage_gb), 'unit_to_gb', 'number_invalid'),
    cpuUtilPct: normalised('cpu_util_pct', parsePercentage, 'percentage_parsed', 'percentage_invalid'),
    memoryUtilPct: normalised('memory_util_pct', parsePercentage, 'percentage_parsed', 'percentage_invalid'),
    environment,
    criticality,
    owner: text('owner'),
    location: text('location'),
    monthlyCost: normalised('monthly_cost', parseCost, 'cost_parsed', 'cost_invalid'),
    powerState,
    applications,
    dependsOn: dependencies,
  };
  record.assetType = assetType(typeText, record, osText);
  if (typeText !== null && typeText.toLowerCase() !== record.assetType) {
    change('asset_type', typeText, record.assetType, labelledType(typeText) === record.assetType ? 'asset_type_label' : 'asset_type_inferred');
  }
  return record;
}

/**
 * Host name, FQDN and IP. A host column holding an address is treated as the address; an invalid IP is
 * dropped (a wrong address would mis-resolve dependencies), with a change record either way.
 */
function identify(hostText: string | null, ipText: string | null, rowNumber: number, log: ChangeLog): Pick<RowRecord, 'hostname' | 'fqdn' | 'ip'> {
  let hostname: string | null = null;
  let fqdn: string | null = null;
  let ipSource = ipText;
  if (hostText !== null && isValidIp(hostText)) {
    if (ipSource === null) ipSource = hostText;
    log.record(rowNumber, 'hostname', hostText, '', 'hostname_is_ip');
  } else if (hostText !== null) {
    ({ hostname, fqdn } = splitHostname(hostText));
    if (hostname !== hostText) log.record(rowNumber, 'hostname', hostText, hostname, fqdn ? 'hostname_domain_split' : 'hostname_lowercase');
  }
  const ip = ipSource === null ? null : normaliseIp(ipSource);
  if (ipSource !== null && ip === null) log.record(rowNumber, 'ip', ipSource, '', 'ip_invalid');
  else if (ipSource !== null && ip !== ipSource && ipSource !== hostText) log.record(rowNumber, 'ip', ipSource, ip!, 'ip_first_of_many');
  return { hostname, fqdn, ip };
}

function label<T extends string>(cell: string | null, normalise: (text: string) => T, onChange: (from: string, to: T) => void): T | 'unknown' {
  if (cell === null) return 'unknown';
  const value = normalise(cell);
  if (value !== cell) onChange(cell, value);
  return value;
}

function positive(value: number | null, round: (value: number) => number): number | null {
  return value === null || value <= 0 ? null : round(value);
}

function rejectionReason(row: RawRow, columnOf: Map<CanonicalField, string>): string {
  const ipColumn = columnOf.get('ip');
  const ipText = ipColumn === undefined ? null : cellText(row.data[ipColumn]);
  return ipText !== null
    ? `no hostname or serial number, and the IP address '${ipText}' is invalid`
    : 'no hostname, IP address or serial number to identify the asset';
}

// --------------------------------------------------------------------------------------- asset type

const TYPE_LABELS: [RegExp, AssetType][] = [
  [/database|\bdb\b|sql/i, 'database'],
  [/switch|router|firewall|load ?balancer|network|\bfw\b/i, 'network_device'],
  [/storage|\bnas\b|\bsan\b|array|filer/i, 'storage'],
  [/server|\bvm\b|virtual|physical|host|instance|machine/i, 'server'],
];

function labelledType(text: string): AssetType {
  return TYPE_LABELS.find(([pattern]) => pattern.test(text))?.[1] ?? 'other';
}

/** Role hints inside host names written without separators ("payprddb01") or with them ("core-sw01"). */
const DB_HOST = /db\d*$|db\d*[-_.]|^db|sql|oracle|(^|[-_])ora\d|mysql|postgres|pgsql|mongo/;
const NETWORK_HOST = /(^|[-_])(sw|rtr|fw|lb)\d|switch|router|firewall/;
const STORAGE_HOST = /(^|[-_])(nas|san)\d|nas\d*$|netapp|isilon|filer/;
/** Engines named in OS or application text. "Oracle" alone is not one: Oracle Linux and Solaris are OSes. */
const DB_TEXT = /\b(sql|mysql|postgres(ql)?|mongo(db)?|db2|database|oracle db|oracle database)\b/i;

/**
 * An explicit specific label (database, network, storage) wins; otherwise the host name, applications and
 * OS text decide, so a "Virtual Machine" running SQL Server is a database for assessment purposes.
 */
function assetType(typeText: string | null, record: RowRecord, osText: string | null): AssetType {
  const labelled = typeText === null ? null : labelledType(typeText);
  if (labelled !== null && labelled !== 'server' && labelled !== 'other') return labelled;
  const host = record.hostname ?? '';
  if (DB_HOST.test(host) || record.applications.some((app) => DB_TEXT.test(app)) || (osText !== null && DB_TEXT.test(osText))) return 'database';
  if (NETWORK_HOST.test(host)) return 'network_device';
  if (STORAGE_HOST.test(host)) return 'storage';
  return labelled ?? 'server';
}

// --------------------------------------------------------------------------------------- duplicates

interface Group {
  records: RowRecord[];
  matchedOn: 'hostname' | 'ip' | 'serial' | null;
  dead: boolean;
}

/**
 * Same host name → same asset. Then same IP, then same serial — but only between groups whose host names do
 * not disagree: two differently named hosts sharing an address (a VIP, NAT, a recycled IP) stay apart.
 */
function groupDuplicates(records: RowRecord[]): Group[] {
  const groups: Group[] = [];
  const byHostname = new Map<string, Group>();
  for (const record of records) {
    const existing = record.hostname === null ? undefined : byHostname.get(record.hostname);
    if (existing) {
      existing.records.push(record);
      existing.matchedOn = 'hostname';
      continue;
    }
    const group: Group = { records: [record], matchedOn: null, dead: false };
    groups.push(group);
    if (record.hostname !== null) byHostname.set(record.hostname, group);
  }

  for (const kind of ['ip', 'serial'] as const) {
    const index = new Map<string, Group>();
    for (const group of groups) {
      if (group.dead) continue;
      let target = group;
      for (const value of identifiers(group, kind)) {
        const other = index.get(value);
        if (other === undefined) {
          index.set(value, target);
        } else if (other !== target && compatible(other, target)) {
          other.records.push(...target.records);
          other.matchedOn ??= target.matchedOn ?? kind;
          target.dead = true;
          target = other;
        }
      }
    }
  }
  return groups.filter((group) => !group.dead);
}

function identifiers(group: Group, kind: 'ip' | 'serial'): string[] {
  const values = group.records.map((record) => (kind === 'ip' ? record.ip : record.serial?.toUpperCase() ?? null));
  return [...new Set(values.filter((value): value is string => value !== null))];
}

function compatible(a: Group, b: Group): boolean {
  const names = new Set([...a.records, ...b.records].flatMap((record) => (record.hostname === null ? [] : [record.hostname])));
  return names.size <= 1;
}

// -------------------------------------------------------------------------------------------- merge

const TYPE_PRIORITY: AssetType[] = ['database', 'network_device', 'storage', 'server', 'other'];

/** Rows in file order; the first non-empty value wins, lists are unioned, every source row is kept. */
function mergeGroup(unordered: RowRecord[]): CanonicalAsset {
  const records = [...unordered].sort((a, b) => a.rowNumber - b.rowNumber);
  const first = <K extends keyof RowRecord>(key: K): RowRecord[K] | null => records.map((record) => record[key]).find((value) => value !== null) ?? null;
  const known = <T extends string>(pick: (record: RowRecord) => T | 'unknown'): T | 'unknown' => records.map(pick).find((value) => value !== 'unknown') ?? 'unknown';
  // The model's key: short host name, failing that the IP, failing that the serial (a rejected row has none).
  const key = first('hostname') ?? first('ip') ?? first('serial')!;
  const dependencies = new Map<string, DeclaredDependency>();
  for (const record of records) {
    for (const dependency of record.dependsOn) dependencies.set(`${dependency.target}:${dependency.port}:${dependency.protocol}`, dependency);
  }
  const os = records.find((record) => record.os !== null) ?? records[0];
  return {
    key,
    hostname: key,
    fqdn: first('fqdn'),
    ip: first('ip'),
    serial: first('serial'),
    assetType: TYPE_PRIORITY.find((type) => records.some((record) => record.assetType === type)) ?? 'other',
    // OS product, family and version travel together so they never come from different rows.
    os: os.os,
    osFamily: os.osFamily,
    osVersion: os.osVersion,
    cpu: first('cpu'),
    memoryGb: first('memoryGb'),
    storageGb: first('storageGb'),
    cpuUtilPct: first('cpuUtilPct'),
    memoryUtilPct: first('memoryUtilPct'),
    environment: known<Environment>((record) => record.environment),
    criticality: known<Criticality>((record) => record.criticality),
    owner: first('owner'),
    location: first('location'),
    monthlyCost: first('monthlyCost'),
    powerState: known<'on' | 'off'>((record) => record.powerState),
    applications: [...new Set(records.flatMap((record) => record.applications))],
    dependsOn: [...dependencies.values()],
    sourceRows: records.map((record) => record.rowNumber),
  };
}
