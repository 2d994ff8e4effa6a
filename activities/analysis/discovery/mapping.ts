/**
 * `field_mapping`: which source column feeds which canonical field. The rules score every (column, field)
 * pair from the header (synonyms, token overlap, edit distance) and the values (IP shapes, OS names, label
 * vocabularies…), assign each field to at most one column, and flag what they cannot decide. The resolver
 * (the offline agent) decides the flagged ones from deeper value statistics; a user's edits come last.
 */
import { CANONICAL_FIELDS, type CanonicalField, type RawRow } from '../model';
import {
  columnSizeUnit,
  normaliseCriticality,
  normaliseEnvironment,
  normalisePowerState,
  parseCost,
  parsePercentage,
  toGigabytes,
  unitIn,
  type SizeUnit,
} from './normalise';
import { isKnownOs } from './os';
import {
  DEPENDENCY_ENTRY,
  cellText,
  headerWords,
  looksLikeHostname,
  looksLikeIp,
  looksLikeSerial,
  shortHostname,
  splitList,
} from './patterns';

export interface MappingEntry {
  sourceColumn: string;
  target: CanonicalField | null;
  /** Confidence in `target`, 0..1; 0 when the column is not mapped. */
  confidence: number;
  reasons: string[];
  alternatives: { target: CanonicalField; confidence: number }[];
  ambiguous: boolean;
  decidedBy: 'rules' | 'resolver' | 'user';
}

export interface FieldMapping {
  entries: MappingEntry[];
}

/** The size unit a header names ("Memory (MiB)", "Provisioned MiB", "RAM MB", "Disk TB", "memoryGb"). */
export function detectUnit(column: string): SizeUnit | null {
  return unitIn(column);
}

// ------------------------------------------------------------------------------------- name evidence

/** Synonyms per field, as normalised headers (see `matchForm`). Secondary names carry a weight below 1. */
const SYNONYMS: Record<CanonicalField, (string | [string, number])[]> = {
  hostname: ['hostname', 'host name', 'name', 'server name', 'server', 'computer name', 'vm', 'vm name', 'ci name', 'device name', 'asset name', 'machine name', 'node name', 'node', ['dns name', 0.9], ['fqdn', 0.9], ['dns hostname', 0.9], ['display name', 0.8]],
  ip: ['ip', 'ip address', 'primary ip address', 'primary ip', 'ipv4', 'ipv4 address', 'ip addr', 'network ip', 'mgmt ip', 'management ip', ['address', 0.7]],
  serial: ['serial', 'serial number', 'serial no', 'sn', 'service tag', ['asset tag', 0.8], ['bios serial', 0.9]],
  asset_type: ['type', 'asset type', 'ci type', 'class', 'ci class', 'device type', 'server type', 'category', 'sys class name', ['model category', 0.8]],
  os: ['operating system', 'os', 'os name', 'os according to the configuration file', 'guest os', 'platform', ['os according to the vmware tools', 0.85], ['os type', 0.85], ['os family', 0.85]],
  os_version: ['os version', 'version', 'operating system version', 'os release', 'os ver', ['release', 0.8]],
  cpu: ['cpu', 'cpus', 'cpu cores', 'cores', 'vcpu', 'vcpus', 'num cpu', 'number of cpus', 'processors', 'cpu count', 'logical processors', 'cpu core count'],
  memory_gb: ['memory', 'ram', 'mem', 'memory size', 'total memory', 'ram size', 'physical memory'],
  storage_gb: ['disk', 'storage', 'disk size', 'total disk', 'disk space', 'provisioned', 'provisioned space', 'storage size', 'hdd', 'disk capacity', 'total storage', ['capacity', 0.8]],
  cpu_util_pct: ['cpu util', 'cpu util pct', 'cpu pct', 'avg cpu', 'cpu avg', 'cpu load', 'peak cpu'],
  memory_util_pct: ['mem util', 'memory util', 'mem util pct', 'memory util pct', 'mem pct', 'memory pct', 'avg memory', 'ram util'],
  environment: ['environment', 'env', 'stage', 'lifecycle', 'used for', 'environment type', ['tier', 0.6]],
  criticality: ['criticality', 'business criticality', 'service tier', 'priority', 'importance', 'crit', 'business impact', ['tier', 0.8], ['sla', 0.8]],
  owner: ['owner', 'application owner', 'app owner', 'business owner', 'technical owner', 'managed by', 'support group', 'owned by', 'contact', ['responsible', 0.8]],
  location: ['location', 'site', 'datacenter', 'data center', 'dc', 'region', ['building', 0.8], ['room', 0.7]],
  monthly_cost: ['monthly cost', 'cost', 'cost per month', 'monthly charge', 'run rate', 'monthly spend', ['price', 0.8]],
  application: ['application', 'application name', 'app', 'app name', 'applications', 'apps', 'business service', ['service', 0.8], ['annotation', 0.75], ['notes', 0.6]],
  depends_on: ['depends on', 'dependencies', 'dependency', 'upstream', 'connects to', 'depends', 'relationships', ['uses', 0.8]],
  power_state: ['powerstate', 'power state', 'power', 'power status', 'running state', ['state', 0.8], ['status', 0.7]],
};

/** Units say nothing about *which* field a column is; "utilisation" and "util" do mean the same. */
const UNIT_WORDS = new Set(['gb', 'gib', 'mb', 'mib', 'tb', 'kb']);
const WORD_ALIASES = new Map([
  ['utilisation', 'util'],
  ['utilization', 'util'],
  ['usage', 'util'],
  ['utilized', 'util'],
  ['percent', 'pct'],
  ['percentage', 'pct'],
  ['nr', 'no'],
]);

/** Header words with units dropped and aliases applied: "RAM (GB)" → ["ram"], "utilisation.cpuPct" → ["util", "cpu", "pct"]. */
function matchForm(header: string): string[] {
  return headerWords(header)
    .filter((word) => !UNIT_WORDS.has(word))
    .map((word) => WORD_ALIASES.get(word) ?? word);
}

interface NameMatch {
  score: number;
  synonym: string;
  exact: boolean;
}

/** Best match of a header against a field's synonyms: exact, same words, or partial (token overlap / edits). */
function nameScore(header: string, field: CanonicalField): NameMatch {
  const words = matchForm(header);
  const compact = words.join('');
  let best: NameMatch = { score: 0, synonym: '', exact: false };
  for (const entry of SYNONYMS[field]) {
    const [synonym, weight] = typeof entry === 'string' ? [entry, 1] : entry;
    const synonymWords = synonym.split(' ');
    let score: number;
    let exact = false;
    if (compact === synonymWords.join('')) {
      score = weight;
      exact = true;
    } else if (sameWords(words, synonymWords)) {
      score = 0.95 * weight;
      exact = true;
    } else {
      score = weight * Math.max(typoSimilarity(compact, synonymWords.join('')), 0.9 * jaccard(words, synonymWords));
    }
    if (score > best.score) best = { score, synonym, exact };
  }
  return best;
}

function sameWords(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

function jaccard(a: string[], b: string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  const shared = [...left].filter((word) => right.has(word)).length;
  return shared / (left.size + right.size - shared || 1);
}

/**
 * Edit-distance similarity, counted only when it looks like a typo or abbreviation ("Enviroment"): on short
 * or dissimilar words it is noise ("host" and "cost" are one edit apart).
 */
function typoSimilarity(a: string, b: string): number {
  if (Math.min(a.length, b.length) < 4) return 0;
  const similarity = levenshteinSimilarity(a, b);
  return similarity >= 0.8 ? similarity : 0;
}

function levenshteinSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return 1 - previous[b.length] / Math.max(a.length, b.length);
}

// ------------------------------------------------------------------------------------ value evidence

/** Evenly spaced rows, so evidence over a 200,000-row file costs the same as over 2,000 rows. */
const SAMPLE_SIZE = 2000;

interface ColumnValues {
  column: string;
  texts: string[];
  completeness: number;
}

function sampleColumns(columns: string[], rows: RawRow[]): Map<string, ColumnValues> {
  const step = Math.max(1, rows.length / SAMPLE_SIZE);
  const sample: RawRow[] = [];
  for (let index = 0; index < rows.length; index += step) sample.push(rows[Math.floor(index)]);
  return new Map(
    columns.map((column) => {
      const texts = sample.map((row) => cellText(row.data[column])).filter((text): text is string => text !== null);
      return [column, { column, texts, completeness: sample.length === 0 ? 0 : texts.length / sample.length }];
    }),
  );
}

function share(texts: string[], test: (text: string) => boolean): number {
  return texts.length === 0 ? 0 : texts.filter(test).length / texts.length;
}

function uniqueness(texts: string[]): number {
  return texts.length === 0 ? 0 : new Set(texts.map((text) => text.toLowerCase())).size / texts.length;
}

const isInteger = (text: string) => /^\d+$/.test(text);
const isSize = (text: string) => toGigabytes(text, null) !== null;
const isPct = (text: string) => parsePercentage(text) !== null;
const hasLetters = (text: string) => /[a-z]/i.test(text) && !looksLikeIp(text);
const ASSET_TYPE_WORDS = /server|\bvm\b|virtual|physical|database|storage|switch|router|firewall|appliance|load ?balancer|network|\bnas\b|\bsan\b|host/i;
const VERSION = /^v?\d+(\.\d+)*(\s*(r2|sp\s*\d+|lts))*$|^(r2|sp\s*\d+)$/i;

/** How much the values look like each field, 0..1, with the wording used in reasons. */
const VALUE_TESTS: Record<CanonicalField, { strong: boolean; describe: string; score: (texts: string[]) => number }> = {
  hostname: { strong: false, describe: 'distinct host names', score: (texts) => share(texts, looksLikeHostname) * (0.5 + 0.5 * uniqueness(texts)) },
  ip: { strong: true, describe: 'IP addresses', score: (texts) => share(texts, looksLikeIp) },
  serial: { strong: false, describe: 'distinct serial numbers', score: (texts) => share(texts, looksLikeSerial) * (0.5 + 0.5 * uniqueness(texts)) },
  asset_type: { strong: false, describe: 'asset types (server, VM, database…)', score: (texts) => share(texts, (text) => ASSET_TYPE_WORDS.test(text)) },
  os: { strong: true, describe: 'operating-system names', score: (texts) => share(texts, isKnownOs) },
  os_version: { strong: false, describe: 'version numbers', score: (texts) => share(texts, (text) => VERSION.test(text)) },
  cpu: { strong: false, describe: 'whole CPU counts (1–512)', score: (texts) => share(texts, (text) => isInteger(text) && Number(text) >= 1 && Number(text) <= 512) },
  memory_gb: { strong: false, describe: 'sizes', score: (texts) => share(texts, isSize) },
  storage_gb: { strong: false, describe: 'sizes', score: (texts) => share(texts, isSize) },
  cpu_util_pct: { strong: false, describe: 'percentages', score: (texts) => share(texts, isPct) },
  memory_util_pct: { strong: false, describe: 'percentages', score: (texts) => share(texts, isPct) },
  environment: { strong: true, describe: 'environment labels (PRD, UAT, DEV…)', score: (texts) => share(texts, (text) => normaliseEnvironment(text) !== 'unknown') },
  criticality: { strong: false, describe: 'criticality labels (Tier 1, High, 2…)', score: (texts) => share(texts, (text) => normaliseCriticality(text) !== 'unknown') },
  owner: { strong: false, describe: 'names', score: (texts) => share(texts, (text) => hasLetters(text) && !looksLikeHostname(text)) },
  location: { strong: false, describe: 'place names', score: (texts) => share(texts, hasLetters) },
  monthly_cost: { strong: false, describe: 'amounts', score: (texts) => share(texts, (text) => parseCost(text) !== null && !/\d\s*(gb|mb|tb|%)/i.test(text)) },
  application: { strong: false, describe: 'names', score: (texts) => share(texts, (text) => hasLetters(text) && !looksLikeHostname(text)) },
  depends_on: {
    strong: true,
    describe: 'host:port lists',
    score: (texts) => share(texts, (text) => /:\d/.test(text) && splitList(text).every((entry) => DEPENDENCY_ENTRY.test(entry))),
  },
  power_state: { strong: true, describe: 'power states', score: (texts) => share(texts, (text) => normalisePowerState(text) !== 'unknown') },
};

// ------------------------------------------------------------------------------------------ scoring

/** Below this a candidate is not even proposed; below `CONFIDENT` a proposal needs a decision. */
const MIN_SCORE = 0.45;
const CONFIDENT = 0.6;
const CLOSE = 0.1;
/** Values alone can suggest a field (a "Col7" full of IPs) but never confidently: 0.55 < CONFIDENT. */
const VALUE_ONLY_WEIGHT = 0.55;

interface Candidate {
  target: CanonicalField;
  score: number;
  name: NameMatch;
  value: number;
}

function scoreColumn(values: ColumnValues): Candidate[] {
  return CANONICAL_FIELDS.map((target) => {
    const name = nameScore(values.column, target);
    const test = VALUE_TESTS[target];
    const value = values.texts.length === 0 ? 0 : test.score(values.texts);
    // An empty column has no value evidence either way, so its name decides alone.
    const fromName = values.texts.length === 0 ? name.score : name.score * (0.6 + 0.4 * value);
    const score = Math.max(fromName, test.strong ? VALUE_ONLY_WEIGHT * value : 0);
    return { target, score: round2(score), name, value };
  }).sort((a, b) => b.score - a.score || CANONICAL_FIELDS.indexOf(a.target) - CANONICAL_FIELDS.indexOf(b.target));
}

function candidateReasons(candidate: Candidate, values: ColumnValues): string[] {
  const reasons: string[] = [];
  const { name, value, target } = candidate;
  if (name.exact) reasons.push(`header '${values.column}' is a known name for ${target} ('${name.synonym}')`);
  else if (name.score >= 0.3) reasons.push(`header '${values.column}' resembles '${name.synonym}' (name similarity ${round2(name.score)})`);
  if (values.texts.length > 0) reasons.push(`${Math.round(value * 100)}% of sampled values look like ${VALUE_TESTS[target].describe}`);
  else reasons.push('the column is empty, so only its name was used');
  if (target === 'memory_gb' || target === 'storage_gb') {
    const named = detectUnit(values.column);
    const inferred = columnSizeUnit(values.column, target, values.texts);
    reasons.push(
      named ? `unit from header: ${named}` : inferred ? `no unit in header; unit-less values read as ${inferred} (their median is 1024 or more)` : 'no unit in header; unit-less values read as GB',
    );
  }
  return reasons;
}

export function suggestMapping(columns: string[], rows: RawRow[]): FieldMapping {
  const samples = sampleColumns(columns, rows);
  const scored = columns.map((column) => ({ column, candidates: scoreColumn(samples.get(column)!) }));

  // Greedy one-to-one assignment: the strongest (column, field) pair anywhere wins first.
  const pairs = scored
    .flatMap(({ column, candidates }, columnIndex) => candidates.filter((c) => c.score >= MIN_SCORE).map((candidate) => ({ column, columnIndex, candidate })))
    .sort((a, b) => b.candidate.score - a.candidate.score || a.columnIndex - b.columnIndex || CANONICAL_FIELDS.indexOf(a.candidate.target) - CANONICAL_FIELDS.indexOf(b.candidate.target));
  const assigned = new Map<string, Candidate>();
  const holder = new Map<CanonicalField, { column: string; score: number }>();
  for (const { column, candidate } of pairs) {
    if (assigned.has(column) || holder.has(candidate.target)) continue;
    assigned.set(column, candidate);
    holder.set(candidate.target, { column, score: candidate.score });
  }

  const entries = scored.map(({ column, candidates }): MappingEntry => {
    const values = samples.get(column)!;
    const chosen = assigned.get(column) ?? null;
    const others = candidates.filter((candidate) => candidate !== chosen && candidate.score >= MIN_SCORE);
    const alternatives = others.slice(0, 3).map((candidate) => ({ target: candidate.target, confidence: candidate.score }));
    if (chosen) {
      const rival = scored.find((other) => other.column !== column && !assigned.has(other.column) && other.candidates[0]?.target === chosen.target && other.candidates[0].score >= chosen.score - CLOSE);
      const runnerUp = others[0];
      const reasons = candidateReasons(chosen, values);
      if (runnerUp && runnerUp.score >= chosen.score - CLOSE) reasons.push(`close alternative: ${runnerUp.target} (${runnerUp.score})`);
      if (rival) reasons.push(`'${rival.column}' is almost as good a match for ${chosen.target} (${rival.candidates[0].score})`);
      const ambiguous = chosen.score < CONFIDENT || (runnerUp !== undefined && runnerUp.score >= chosen.score - CLOSE) || rival !== undefined;
      return { sourceColumn: column, target: chosen.target, confidence: chosen.score, reasons, alternatives, ambiguous, decidedBy: 'rules' };
    }
    const best = others[0];
    const winner = best ? holder.get(best.target) : undefined;
    const reasons =
      best && winner
        ? [`best match ${best.target} (${best.score}) went to '${winner.column}' (${winner.score})`]
        : ['no canonical field matches this column'];
    const ambiguous = best !== undefined && winner !== undefined && best.score >= CONFIDENT && best.score >= winner.score - CLOSE;
    return { sourceColumn: column, target: null, confidence: 0, reasons, alternatives, ambiguous, decidedBy: 'rules' };
  });
  return { entries };
}

// ----------------------------------------------------------------------------------------- resolver

interface Deep {
  score: number;
  evidence: string;
}

/**
 * Stricter evidence than the rules use: how complete the column is and how well its values fit. For the
 * host identifier, distinctness matters and short names beat FQDNs (cleansing keys assets on short names).
 */
function deepScore(values: ColumnValues, target: CanonicalField): Deep {
  const filled = values.completeness;
  if (target === 'hostname') {
    const distinct = uniqueness(values.texts);
    const hostnames = share(values.texts, looksLikeHostname);
    const short = share(values.texts, (text) => looksLikeHostname(text) && !text.includes('.'));
    const score = filled * distinct * (hostnames === 0 ? 0 : (short + 0.8 * (hostnames - short)));
    return { score: round2(score), evidence: `${pctText(filled)} filled, ${pctText(distinct)} distinct, ${pctText(hostnames)} host names of which ${pctText(short)} without a domain` };
  }
  const fit = values.texts.length === 0 ? 0 : VALUE_TESTS[target].score(values.texts);
  return { score: round2(filled * fit), evidence: `${pctText(filled)} filled, ${pctText(fit)} of values look like ${VALUE_TESTS[target].describe}` };
}

/** A resolver decision needs at least this much evidence; otherwise the column is left unmapped. */
const RESOLVE_MIN = 0.5;

/**
 * Decides every ambiguous entry. Fields held by confident (non-ambiguous) entries are off the table; each
 * contested field goes to the ambiguous column with the best deep score; columns that win nothing are unmapped
 * with the reason why. Non-ambiguous entries are returned unchanged.
 */
export function resolveAmbiguous(mapping: FieldMapping, columns: string[], rows: RawRow[]): FieldMapping {
  const samples = sampleColumns(columns, rows);
  const open = mapping.entries.filter((entry) => entry.ambiguous && samples.has(entry.sourceColumn));
  if (open.length === 0) return mapping;
  const taken = new Set(mapping.entries.filter((entry) => !open.includes(entry) && entry.target !== null).map((entry) => entry.target!));
  const candidatesOf = (entry: MappingEntry) =>
    [...(entry.target ? [entry.target] : []), ...entry.alternatives.map((alternative) => alternative.target)].filter((target) => !taken.has(target));

  // Greedy over (column, field) pairs by deep score, like the rules' assignment but on stricter evidence.
  const pairs = open
    .flatMap((entry) => candidatesOf(entry).map((target) => ({ entry, target, deep: deepScore(samples.get(entry.sourceColumn)!, target) })))
    .sort((a, b) => b.deep.score - a.deep.score || columns.indexOf(a.entry.sourceColumn) - columns.indexOf(b.entry.sourceColumn) || CANONICAL_FIELDS.indexOf(a.target) - CANONICAL_FIELDS.indexOf(b.target));
  const decided = new Map<string, MappingEntry>();
  for (const { entry, target, deep } of pairs) {
    if (deep.score < RESOLVE_MIN || decided.has(entry.sourceColumn) || taken.has(target)) continue;
    const against = pairs
      .filter((other) => other.target === target && other.entry !== entry)
      .map((other) => `'${other.entry.sourceColumn}' scored ${other.deep.score} (${other.deep.evidence})`);
    decided.set(entry.sourceColumn, {
      ...entry,
      target,
      confidence: round2(Math.min(0.95, 0.5 + 0.5 * deep.score)),
      reasons: [...entry.reasons, `resolver: mapped to ${target} with deep score ${deep.score} (${deep.evidence})${against.length ? `; ${against.join('; ')}` : ''}`],
      alternatives: entry.alternatives.filter((alternative) => alternative.target !== target),
      ambiguous: false,
      decidedBy: 'resolver',
    });
    taken.add(target);
  }

  // Who ends up holding each field: a resolver decision, or a confident entry the resolver did not touch.
  const holders = new Map<CanonicalField, string>();
  for (const entry of mapping.entries) {
    const target = open.includes(entry) ? decided.get(entry.sourceColumn)?.target : entry.target;
    if (target) holders.set(target, entry.sourceColumn);
  }
  const entries = mapping.entries.map((entry) => {
    if (!open.includes(entry)) return entry;
    const won = decided.get(entry.sourceColumn);
    if (won) return won;
    return {
      ...entry,
      target: null,
      confidence: 0,
      reasons: [...entry.reasons, `resolver: left unmapped: ${unmappedReason(entry, holders, samples)}`],
      ambiguous: false,
      decidedBy: 'resolver' as const,
    };
  });
  return { entries };
}

/** Why a column got nothing: which column holds its best field, and (for host names) whether it repeats it. */
function unmappedReason(entry: MappingEntry, holders: Map<CanonicalField, string>, samples: Map<string, ColumnValues>): string {
  const best = entry.target ?? entry.alternatives[0]?.target;
  if (!best) return 'no field fits its values';
  const holder = holders.get(best);
  const own = deepScore(samples.get(entry.sourceColumn)!, best);
  if (holder === undefined) return `its values do not support ${best} (deep score ${own.score}: ${own.evidence})`;
  const text = `${best} is taken from '${holder}'; this column scored ${own.score} (${own.evidence})`;
  if (best !== 'hostname' || !samples.has(holder)) return text;
  const names = new Set(samples.get(holder)!.texts.map(shortHostname));
  const overlap = share(samples.get(entry.sourceColumn)!.texts, (value) => names.has(shortHostname(value)));
  return `${text}; ${pctText(overlap)} of its values name the same hosts once the domain is removed`;
}

// -------------------------------------------------------------------------------------- user edits

/**
 * A user's edits keyed by source column (`null` unmaps). A field moved to a column is taken from the column
 * that had it, so the one-field-per-column rule still holds; both entries are then the user's decision.
 */
export function applyMappingChanges(mapping: FieldMapping, changes: Record<string, CanonicalField | null>): FieldMapping {
  const known = new Set(mapping.entries.map((entry) => entry.sourceColumn));
  const claimed = new Map<CanonicalField, string>();
  for (const [column, target] of Object.entries(changes)) {
    if (!known.has(column)) throw new Error(`mapping change names unknown column '${column}'`);
    if (target === null) continue;
    if (!(CANONICAL_FIELDS as readonly string[]).includes(target)) throw new Error(`mapping change for column '${column}' names unknown field '${String(target)}'`);
    const other = claimed.get(target);
    if (other !== undefined) throw new Error(`mapping changes map both '${other}' and '${column}' to ${target}`);
    claimed.set(target, column);
  }

  const entries = mapping.entries.map((entry): MappingEntry => {
    if (Object.hasOwn(changes, entry.sourceColumn)) {
      const target = changes[entry.sourceColumn];
      return {
        ...entry,
        target,
        confidence: 1,
        reasons: [...entry.reasons, target === null ? 'user: unmapped' : `user: mapped to ${target}`],
        alternatives: entry.alternatives.filter((alternative) => alternative.target !== target),
        ambiguous: false,
        decidedBy: 'user',
      };
    }
    const movedTo = entry.target === null ? undefined : claimed.get(entry.target);
    if (movedTo === undefined) return entry;
    return {
      ...entry,
      target: null,
      confidence: 1,
      reasons: [...entry.reasons, `user: ${entry.target} moved to '${movedTo}'`],
      ambiguous: false,
      decidedBy: 'user',
    };
  });
  return { entries };
}

// ------------------------------------------------------------------------------------------ helpers

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function pctText(value: number): string {
  return `${Math.round(value * 100)}%`;
}
