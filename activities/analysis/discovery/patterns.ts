/**
 * Value and header predicates shared by profiling, mapping and cleansing. They live in one place so that
 * "what counts as an IP / a hostname / an empty cell" is decided once and the phases cannot disagree.
 */
import { isIP } from 'node:net';
import type { RawRow } from '../model';

export type RawValue = RawRow['data'][string];

/**
 * Strings that exports use to mean "no value". Treating them as empty keeps completeness honest
 * (a column full of "n/a" is not complete) and stops them from being flagged as invalid IPs or hostnames.
 */
const PLACEHOLDERS = new Set(['', 'n/a', 'na', 'n.a.', 'none', 'null', 'nil', '-', '--', '?', 'tbd', 'unknown', '#n/a']);

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(text.trim().toLowerCase());
}

/** The cell as trimmed text, or null when it is missing or a placeholder. JSON numbers/booleans become text. */
export function cellText(value: RawValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return isPlaceholder(text) ? null : text;
}

export function isValidIp(text: string): boolean {
  return isIP(text) !== 0;
}

/** Four dot-separated numbers: meant to be an IPv4 address even when an octet is out of range ("10.0.300.1"). */
const IPV4_SHAPED = /^\d{1,3}(\.\d{1,3}){2,3}$/;
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPED.test(text) || isValidIp(text);
}

/**
 * RFC 1123 labels, at least one letter, and either a digit, a hyphen or a dot: real host names almost always
 * carry one of those ("web01", "db-prod", "srv.corp.local"), while plain words ("Production", "Linux") do not.
 */
const HOSTNAME = /^(?=[a-z0-9.-]*[a-z])(?=[a-z0-9.-]*[0-9.-])[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/i;
export function looksLikeHostname(text: string): boolean {
  return !looksLikeIp(text) && HOSTNAME.test(text);
}

/** Lower-cased host name without its domain: the key used to match the same host across spellings. */
export function shortHostname(text: string): string {
  const lower = text.trim().toLowerCase().replace(/\.$/, '');
  return isValidIp(lower) ? lower : lower.split('.')[0];
}

/** Serial numbers: 5+ characters of letters/digits (with - or space), at least one digit. */
const SERIAL = /^(?=.*\d)[a-z0-9][a-z0-9 -]{3,}[a-z0-9]$/i;
export function looksLikeSerial(text: string): boolean {
  return SERIAL.test(text) && !looksLikeIp(text);
}

/** "host:port", "host:port/proto" or a bare host, as one entry of a dependency list. */
export const DEPENDENCY_ENTRY = /^([a-z0-9][a-z0-9.-]*)(?::(\d{1,5}))?(?:\/([a-z]+))?$/i;

export function splitList(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * Splits camelCase and dotted JSON keys and punctuation into lower-case words: "os.name" → "os name",
 * "memoryGb" → "memory gb". A camel hump needs two lower-case letters (or a digit) before it, so unit
 * spellings such as "MiB" and "GiB" stay one word.
 */
export function headerWords(header: string): string[] {
  return header
    .replace(/(?<=[a-z]{2}|[0-9])(?=[A-Z])/g, ' ')
    .replace(/%/g, ' pct ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** A header as space-separated lower-case words, so "Primary IP Address" and "primaryIpAddress" compare equal. */
export function normaliseHeader(header: string): string {
  return headerWords(header).join(' ');
}

/** Plain code-unit order: locale-independent, so sorted output is identical on every worker. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
