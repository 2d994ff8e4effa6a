/**
 * `data_validation`: profile every staged column and judge whether the file is good enough to build an
 * inventory from. Runs before mapping, so it recognises host/IP/serial columns from their headers and values
 * on its own rather than from the (not yet approved) field mapping.
 */
import type { RawRow } from '../model';
import {
  cellText,
  compareText,
  isValidIp,
  looksLikeHostname,
  looksLikeIp,
  looksLikeSerial,
  normaliseHeader,
  shortHostname,
} from './patterns';

export type InferredType = 'integer' | 'number' | 'ip' | 'hostname' | 'date' | 'boolean' | 'text';
export type ColumnRole = 'host_id' | 'ip' | 'serial';
export type IssueSeverity = 'critical' | 'warning' | 'info';

export interface ColumnProfile {
  column: string;
  /** Share of rows with a value (placeholders such as "n/a" count as empty), 0..1. */
  completeness: number;
  filledCount: number;
  inferredType: InferredType;
  /** Share of filled values that match `inferredType`, 0..1 (1 for text). */
  typeConformance: number;
  distinctCount: number;
  sampleValues: string[];
  /** Filled values that are not valid IP addresses; null unless the column holds IPs. */
  invalidIpCount: number | null;
  role: ColumnRole | null;
}

export interface DuplicateGroup {
  kind: 'hostname' | 'ip' | 'serial';
  column: string;
  /** The normalised value the rows share (short lower-case hostname, IP, upper-case serial). */
  value: string;
  count: number;
  rowNumbers: number[];
}

export interface ProfileIssue {
  severity: IssueSeverity;
  code: string;
  column: string | null;
  message: string;
  rowNumbers: number[];
  affectedRows: number;
}

export interface DataProfile {
  rowCount: number;
  columns: ColumnProfile[];
  duplicates: DuplicateGroup[];
  issues: ProfileIssue[];
  /**
   * 0..100 = round(100 × (0.4 × completeness + 0.3 × validity + 0.3 × uniqueness)) − 5 per critical issue,
   * clamped. completeness: mean column completeness; validity: mean type conformance (valid-IP share for IP
   * columns); uniqueness: 1 − share of rows that repeat an earlier row's host identifier.
   */
  qualityScore: number;
}

const MAX_ROW_NUMBERS = 50;
const MAX_SAMPLES = 5;

export function profileData(columns: string[], rows: RawRow[]): DataProfile {
  const texts = new Map(columns.map((column) => [column, rows.map((row) => cellText(row.data[column]))]));
  const profiles = columns.map((column) => profileColumn(column, texts.get(column)!, rows.length));
  assignRoles(profiles);

  const duplicates = profiles.flatMap((profile) => findDuplicates(profile, texts.get(profile.column)!, rows));
  const issues = collectIssues(profiles, texts, rows, duplicates);
  return { rowCount: rows.length, columns: profiles, duplicates, issues, qualityScore: qualityScore(profiles, duplicates, issues, rows.length) };
}

// ------------------------------------------------------------------------------------------ columns

const TYPE_TESTS: [InferredType, (text: string) => boolean][] = [
  ['boolean', (text) => /^(true|false|yes|no|y|n)$/i.test(text)],
  ['integer', (text) => /^-?\d+$/.test(text)],
  ['number', (text) => /^-?\d+([.,]\d+)?$/.test(text)],
  ['ip', looksLikeIp],
  ['date', (text) => /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?/.test(text) || /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(text)],
  ['hostname', looksLikeHostname],
];

/** A type is inferred when at least this share of the filled values match it; otherwise the column is text. */
const TYPE_THRESHOLD = 0.9;

function profileColumn(column: string, values: (string | null)[], rowCount: number): ColumnProfile {
  const filled = values.filter((value): value is string => value !== null);
  const distinct = new Set(filled);
  let inferredType: InferredType = 'text';
  let typeConformance = 1;
  for (const [type, test] of TYPE_TESTS) {
    const share = shareOf(filled, test);
    if (filled.length > 0 && share >= TYPE_THRESHOLD) {
      inferredType = type;
      typeConformance = share;
      break;
    }
  }
  return {
    column,
    completeness: ratio(filled.length, rowCount),
    filledCount: filled.length,
    inferredType,
    typeConformance: round4(typeConformance),
    distinctCount: distinct.size,
    sampleValues: [...distinct].slice(0, MAX_SAMPLES),
    invalidIpCount: null,
    role: null,
  };
}

/** Headers that name the host in CMDB, RVTools and JSON exports, most specific first. */
const HOST_HEADERS = [
  'hostname',
  'host name',
  'server name',
  'computer name',
  'name',
  'vm',
  'vm name',
  'ci name',
  'device name',
  'asset name',
  'machine name',
  'node name',
  'dns name',
  'fqdn',
];

/**
 * One host identifier column (the best-ranked host header, or failing that the most distinct
 * hostname-typed column), every IP column (header says IP, or values look like IPs), every serial column.
 */
function assignRoles(profiles: ColumnProfile[]): void {
  const rank = (profile: ColumnProfile) => HOST_HEADERS.indexOf(normaliseHeader(profile.column));
  const byHeader = profiles.filter((profile) => rank(profile) >= 0).sort((a, b) => rank(a) - rank(b))[0];
  const byValues = profiles
    .filter((profile) => profile.inferredType === 'hostname')
    .sort((a, b) => b.distinctCount - a.distinctCount)[0];
  const hostId = byHeader ?? byValues;
  if (hostId) hostId.role = 'host_id';

  for (const profile of profiles) {
    if (profile.role !== null) continue;
    const words = normaliseHeader(profile.column).split(' ');
    if (words.includes('serial')) profile.role = 'serial';
    else if (words.includes('ip') || words.includes('ipv4') || profile.inferredType === 'ip') profile.role = 'ip';
  }
}

// ---------------------------------------------------------------------------------------- duplicates

const DUPLICATE_KEYS: Record<ColumnRole, { kind: DuplicateGroup['kind']; key: (text: string) => string | null }> = {
  host_id: { kind: 'hostname', key: (text) => shortHostname(text) },
  // Invalid addresses ("10.0.300.1") are reported as invalid, not as duplicates of each other.
  ip: { kind: 'ip', key: (text) => (isValidIp(text) ? text : null) },
  serial: { kind: 'serial', key: (text) => (looksLikeSerial(text) ? text.toUpperCase() : null) },
};

function findDuplicates(profile: ColumnProfile, values: (string | null)[], rows: RawRow[]): DuplicateGroup[] {
  if (profile.role === null) return [];
  const { kind, key } = DUPLICATE_KEYS[profile.role];
  const groups = new Map<string, number[]>();
  values.forEach((value, index) => {
    const groupKey = value === null ? null : key(value);
    if (groupKey === null) return;
    const group = groups.get(groupKey);
    if (group) group.push(rows[index].rowNumber);
    else groups.set(groupKey, [rows[index].rowNumber]);
  });
  return [...groups]
    .filter(([, rowNumbers]) => rowNumbers.length > 1)
    .map(([value, rowNumbers]) => ({ kind, column: profile.column, value, count: rowNumbers.length, rowNumbers: rowNumbers.slice(0, MAX_ROW_NUMBERS) }))
    .sort((a, b) => compareText(a.value, b.value));
}

/** Rows beyond the first in each group: what de-duplication would remove. */
function extraRows(groups: DuplicateGroup[]): number {
  return groups.reduce((sum, group) => sum + group.count - 1, 0);
}

// -------------------------------------------------------------------------------------------- issues

/** Thresholds above which a problem blocks the flow for a human decision (FLOWS.md §1 gate). */
const HOST_ID_MIN_COMPLETENESS = 0.9;
const MAX_INVALID_IP_SHARE = 0.05;
const MAX_DUPLICATE_HOST_SHARE = 0.1;

const UNIT_SUFFIX = /^\s*[\d.,]+\s*(kb|mb|mib|gb|gib|tb|tib)\s*$/i;

function collectIssues(
  profiles: ColumnProfile[],
  texts: Map<string, (string | null)[]>,
  rows: RawRow[],
  duplicates: DuplicateGroup[],
): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const rowsWhere = (column: string, test: (value: string | null) => boolean) =>
    texts.get(column)!.flatMap((value, index) => (test(value) ? [rows[index].rowNumber] : []));
  const issue = (severity: IssueSeverity, code: string, column: string | null, message: string, rowNumbers: number[]) =>
    issues.push({ severity, code, column, message, rowNumbers: rowNumbers.slice(0, MAX_ROW_NUMBERS), affectedRows: rowNumbers.length });

  const hostId = profiles.find((profile) => profile.role === 'host_id');
  if (!hostId && !profiles.some((profile) => profile.role === 'ip')) {
    issue('critical', 'NO_HOST_IDENTIFIER', null, 'No column identifies hosts (no hostname, name or IP address column was found)', []);
  }
  if (hostId && hostId.completeness < HOST_ID_MIN_COMPLETENESS) {
    const missing = rowsWhere(hostId.column, (value) => value === null);
    issue('critical', 'HOST_ID_INCOMPLETE', hostId.column, `${missing.length} of ${rows.length} rows (${pct(missing.length, rows.length)}) have no value in '${hostId.column}', the column that identifies hosts`, missing);
  }

  const hostDuplicates = duplicates.filter((group) => group.kind === 'hostname');
  if (hostId && hostDuplicates.length > 0) {
    const extra = extraRows(hostDuplicates);
    const examples = hostDuplicates.slice(0, 3).map((group) => `'${group.value}' in rows ${group.rowNumbers.join(', ')}`);
    issue(
      extra / rows.length > MAX_DUPLICATE_HOST_SHARE ? 'critical' : 'warning',
      'DUPLICATE_HOSTS',
      hostId.column,
      `${extra} rows (${pct(extra, rows.length)}) repeat a host already listed in '${hostId.column}' (${hostDuplicates.length} hosts, e.g. ${examples.join('; ')})`,
      hostDuplicates.flatMap((group) => group.rowNumbers),
    );
  }
  for (const kind of ['ip', 'serial'] as const) {
    const groups = duplicates.filter((group) => group.kind === kind);
    if (groups.length === 0) continue;
    issue('warning', kind === 'ip' ? 'DUPLICATE_IPS' : 'DUPLICATE_SERIALS', groups[0].column, `${groups.length} ${kind === 'ip' ? 'IP addresses' : 'serial numbers'} appear in more than one row (${extraRows(groups)} extra rows)`, groups.flatMap((group) => group.rowNumbers));
  }

  for (const profile of profiles) {
    const values = texts.get(profile.column)!;
    if (profile.role === 'ip') {
      const invalid = rowsWhere(profile.column, (value) => value !== null && !isValidIp(value));
      profile.invalidIpCount = invalid.length;
      if (invalid.length > 0) {
        const examples = [...new Set(values.filter((value) => value !== null && !isValidIp(value)))].slice(0, 3);
        issue(
          invalid.length / profile.filledCount > MAX_INVALID_IP_SHARE ? 'critical' : 'warning',
          'INVALID_IPS',
          profile.column,
          `'${profile.column}' holds ${invalid.length} invalid IP addresses out of ${profile.filledCount} filled values (${pct(invalid.length, profile.filledCount)}), such as ${examples.map((value) => `'${value}'`).join(', ')}`,
          invalid,
        );
      }
    }
    if (profile.filledCount === 0) {
      issue('info', 'EMPTY_COLUMN', profile.column, `'${profile.column}' is empty in every row`, []);
    } else if (profile.completeness < 0.5 && profile !== hostId) {
      issue('warning', 'LOW_COMPLETENESS', profile.column, `'${profile.column}' is only ${pct(profile.filledCount, rows.length)} complete`, rowsWhere(profile.column, (value) => value === null));
    }
    const units = new Set(values.flatMap((value) => (value === null ? [] : [UNIT_SUFFIX.exec(value)?.[1].toLowerCase() ?? ''])));
    if (units.size > 1) {
      issue('warning', 'MIXED_UNITS', profile.column, `'${profile.column}' mixes units (${[...units].map((unit) => unit || 'none').sort().join(', ')}); values are converted during cleansing`, rowsWhere(profile.column, (value) => value !== null && UNIT_SUFFIX.test(value)));
    }
    if (profile.distinctCount === 1 && rows.length > 1) {
      issue('info', 'CONSTANT_COLUMN', profile.column, `'${profile.column}' has the same value in every filled row`, []);
    }
  }
  const order: Record<IssueSeverity, number> = { critical: 0, warning: 1, info: 2 };
  return issues.sort((a, b) => order[a.severity] - order[b.severity]);
}

function qualityScore(profiles: ColumnProfile[], duplicates: DuplicateGroup[], issues: ProfileIssue[], rowCount: number): number {
  if (profiles.length === 0 || rowCount === 0) return 0;
  const completeness = mean(profiles.map((profile) => profile.completeness));
  const validity = mean(
    profiles
      .filter((profile) => profile.filledCount > 0)
      .map((profile) => (profile.invalidIpCount === null ? profile.typeConformance : 1 - profile.invalidIpCount / profile.filledCount)),
  );
  const uniqueness = 1 - extraRows(duplicates.filter((group) => group.kind === 'hostname')) / rowCount;
  const critical = issues.filter((issue) => issue.severity === 'critical').length;
  const score = Math.round(100 * (0.4 * completeness + 0.3 * validity + 0.3 * uniqueness)) - 5 * critical;
  return Math.max(0, Math.min(100, score));
}

// -------------------------------------------------------------------------------------- explanation

/** What a person should do about each critical issue, and why it matters downstream. */
const CRITICAL_FIXES: Record<string, string> = {
  NO_HOST_IDENTIFIER: 'add a hostname or IP address column, or map one by hand, because every later phase keys assets on it',
  HOST_ID_INCOMPLETE: 'fill in the missing names, because rows without a hostname, IP or serial are rejected during cleansing and never assessed',
  INVALID_IPS: 'correct these addresses or leave the cells empty, because invalid addresses are discarded and dependencies declared by IP on those hosts cannot be resolved',
  DUPLICATE_HOSTS: 'check whether the file combines several exports, because duplicates are merged during cleansing and conflicting values are decided by row order',
};

/** The offline agent's explanation: one sentence per critical issue with counts, example rows and the fix. */
export function explainCriticalIssues(profile: DataProfile): string[] {
  return profile.issues
    .filter((issue) => issue.severity === 'critical')
    .map((issue) => {
      const examples = issue.rowNumbers.length > 0 ? ` (see rows ${issue.rowNumbers.slice(0, 5).join(', ')})` : '';
      const fix = CRITICAL_FIXES[issue.code] ?? 'review the affected rows before continuing';
      return `${issue.message}${examples}: ${fix}.`;
    });
}

// ------------------------------------------------------------------------------------------ helpers

function shareOf(values: string[], test: (value: string) => boolean): number {
  return values.length === 0 ? 0 : values.filter(test).length / values.length;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : round4(part / whole);
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function mean(values: number[]): number {
  return values.length === 0 ? 1 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function pct(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10}%`;
}
