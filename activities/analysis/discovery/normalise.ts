/**
 * Value normalisers for cleansing: one function per kind of value, each returning the canonical value or
 * null. Kept apart from the row/merge logic so mapping can reuse the vocabularies as value evidence.
 */
import type { Criticality, DeclaredDependency, Environment } from '../model';
import { DEPENDENCY_ENTRY, headerWords, isValidIp, splitList } from './patterns';

export type SizeUnit = 'gb' | 'mb' | 'mib' | 'tb' | 'gib';

/** Lower-case words of a label: "Pre-Prod" → ["pre", "prod"]; also the compact form "preprod". */
function labelForms(text: string): { compact: string; words: string[] } {
  const words = text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 0);
  return { compact: words.join(''), words };
}

// Maps, not object literals: a label such as "constructor" must not hit Object.prototype.
const ENVIRONMENT_LABELS = new Map<string, Environment>(Object.entries({
  prd: 'production', prod: 'production', production: 'production', p: 'production', live: 'production', prod1: 'production',
  uat: 'test', qa: 'test', test: 'test', tst: 'test', t: 'test', testing: 'test', sit: 'test', qat: 'test', acceptance: 'test',
  dev: 'development', development: 'development', d: 'development', develop: 'development', sandbox: 'development', sbx: 'development',
  stg: 'staging', staging: 'staging', stage: 'staging', preprod: 'staging', preproduction: 'staging', ppd: 'staging', s: 'staging',
  dr: 'dr', disasterrecovery: 'dr', bcp: 'dr', drp: 'dr',
} satisfies Record<string, Environment>));

/** Exact label first ("PRD", "Pre-Prod"), then a known word inside a longer label ("Production - EU"). */
export function normaliseEnvironment(text: string): Environment {
  const { compact, words } = labelForms(text);
  const exact = ENVIRONMENT_LABELS.get(compact);
  if (exact) return exact;
  // Single letters only count as a whole label: the "p" in "Payroll P2" says nothing.
  const word = words.find((candidate) => candidate.length > 1 && ENVIRONMENT_LABELS.has(candidate));
  return word ? ENVIRONMENT_LABELS.get(word)! : 'unknown';
}

const CRITICALITY_LABELS = new Map<string, Criticality>(Object.entries({
  critical: 'critical', missioncritical: 'critical', crit: 'critical', tier1: 'critical', t1: 'critical', p1: 'critical', veryhigh: 'critical',
  high: 'high', businesscritical: 'high', tier2: 'high', t2: 'high', p2: 'high',
  medium: 'medium', med: 'medium', moderate: 'medium', tier3: 'medium', t3: 'medium', p3: 'medium', normal: 'medium',
  low: 'low', noncritical: 'low', tier4: 'low', t4: 'low', p4: 'low', minimal: 'low', tier5: 'low',
} satisfies Record<string, Criticality>));
const CRITICALITY_BY_RANK: Criticality[] = ['critical', 'high', 'medium', 'low'];

/** "1", "1 - most critical", "Tier 1", "Mission Critical" → critical; a leading rank 1..4 (5 → low) decides first. */
export function normaliseCriticality(text: string): Criticality {
  const rank = /^\s*([1-5])\b/.exec(text);
  if (rank) return CRITICALITY_BY_RANK[Math.min(Number(rank[1]), 4) - 1];
  const { compact, words } = labelForms(text);
  const word = words.find((candidate) => CRITICALITY_LABELS.has(candidate)) ?? '';
  return CRITICALITY_LABELS.get(compact) ?? CRITICALITY_LABELS.get(word) ?? 'unknown';
}

const POWER_LABELS = new Map<string, 'on' | 'off'>(Object.entries({
  poweredon: 'on', on: 'on', running: 'on', up: 'on', active: 'on', started: 'on', true: 'on', online: 'on',
  poweredoff: 'off', off: 'off', stopped: 'off', down: 'off', shutdown: 'off', inactive: 'off', suspended: 'off', false: 'off', offline: 'off',
} satisfies Record<string, 'on' | 'off'>));

export function normalisePowerState(text: string): 'on' | 'off' | 'unknown' {
  return POWER_LABELS.get(labelForms(text).compact) ?? 'unknown';
}

/**
 * A number as inventories write it: "1,234.50", "1.234,50", "16,5", "$980", "45%". Returns null when the
 * text is not a single number (with at most a unit or currency around it).
 */
export function parseNumber(text: string): number | null {
  const match = /^[^\d-]{0,4}?\s*(-?[\d.,]*\d)\s*[a-z%]*\s*$/i.exec(text.trim());
  if (!match) return null;
  let digits = match[1];
  const lastComma = digits.lastIndexOf(',');
  const lastDot = digits.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Both separators: whichever comes last is the decimal separator.
    digits = lastComma > lastDot ? digits.replace(/\./g, '').replace(',', '.') : digits.replace(/,/g, '');
  } else if (lastComma >= 0) {
    digits = /^-?\d{1,3}(,\d{3})+$/.test(digits) ? digits.replace(/,/g, '') : digits.replace(',', '.');
  }
  const value = Number(digits);
  return Number.isFinite(value) ? value : null;
}

const UNIT_WORDS = new Map<string, SizeUnit>([['gb', 'gb'], ['gib', 'gib'], ['mb', 'mb'], ['mib', 'mib'], ['tb', 'tb']]);

/** The size unit a header or value names: "Memory (MiB)", "Provisioned MiB", "RAM MB", "memoryGb", "16 GB". */
export function unitIn(text: string): SizeUnit | null {
  // Digits are separators here too: "16384MB" names MB.
  return headerWords(text.replace(/\d+/g, ' ')).map((word) => UNIT_WORDS.get(word)).find((unit) => unit !== undefined) ?? null;
}

/**
 * Inventories mix decimal and binary names for the same thing ("16384 MB" of RAM is 16 GB), so every unit
 * converts with powers of 1024.
 */
const GB_PER_UNIT: Record<SizeUnit, number> = { gb: 1, gib: 1, mb: 1 / 1024, mib: 1 / 1024, tb: 1024 };

/** A size in GB. A unit written in the value wins over the column's unit; no unit at all means GB. */
export function toGigabytes(text: string, columnUnit: SizeUnit | null): number | null {
  const value = parseNumber(text);
  if (value === null || value < 0) return null;
  const unit = unitIn(text) ?? columnUnit ?? 'gb';
  return Math.round(value * GB_PER_UNIT[unit] * 100) / 100;
}

/** "45%", "45", "45.5 %" → 45 / 45.5; outside 0..100 is not a percentage. */
export function parsePercentage(text: string): number | null {
  const value = parseNumber(text);
  return value === null || value < 0 || value > 100 ? null : value;
}

/** "$1,234.50", "USD 980", "€ 1.234,50" → plain amount (currency is not converted; inventories use one). */
export function parseCost(text: string): number | null {
  const value = parseNumber(text.replace(/\b(usd|eur|gbp|chf)\b/gi, '').trim());
  return value === null || value < 0 ? null : Math.round(value * 100) / 100;
}

/** The first valid address in the cell ("10.0.0.5; 10.0.1.5" → 10.0.0.5), or null. */
export function normaliseIp(text: string): string | null {
  return splitList(text.replace(/\s+/g, ';')).find(isValidIp) ?? null;
}

/** Splits "web01.corp.local" into host name and FQDN; a bare name has no FQDN. */
export function splitHostname(text: string): { hostname: string; fqdn: string | null } {
  const lower = text.trim().toLowerCase().replace(/\.$/, '');
  if (isValidIp(lower) || !lower.includes('.')) return { hostname: lower, fqdn: null };
  return { hostname: lower.split('.')[0], fqdn: lower };
}

/** Application names from "Payroll; Billing" or "Payroll, Billing", de-duplicated, order kept. */
export function parseApplications(text: string): string[] {
  return [...new Set(splitList(text))];
}

/** "db01:1433/tcp; 10.0.0.7:5432, mq01" → declared dependencies; unreadable entries are returned separately. */
export function parseDependencies(text: string): { dependencies: DeclaredDependency[]; unreadable: string[] } {
  const dependencies: DeclaredDependency[] = [];
  const unreadable: string[] = [];
  for (const entry of splitList(text)) {
    const match = DEPENDENCY_ENTRY.exec(entry);
    if (!match) {
      unreadable.push(entry);
      continue;
    }
    dependencies.push({
      target: match[1].toLowerCase(),
      port: match[2] === undefined ? null : Number(match[2]),
      protocol: match[3]?.toLowerCase() ?? null,
    });
  }
  return { dependencies, unreadable };
}

/**
 * The unit of a size column: named in the header ("Provisioned MiB"), or — for memory only — inferred from
 * the values. RVTools' "Memory" column is MiB without saying so; no server has 1024 GB of RAM as its
 * *typical* size, so a median of 1024 or more unit-less values means MiB.
 */
export function columnSizeUnit(header: string, field: 'memory_gb' | 'storage_gb', texts: string[]): SizeUnit | null {
  const named = unitIn(header);
  if (named !== null || field !== 'memory_gb') return named;
  const bare = texts.filter((text) => unitIn(text) === null).map(parseNumber).filter((value): value is number => value !== null);
  if (bare.length === 0) return null;
  const sorted = [...bare].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] >= 1024 ? 'mib' : null;
}
