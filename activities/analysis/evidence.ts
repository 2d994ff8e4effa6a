/**
 * Small helpers every engine shares: evidence-id builders in the formats model.ts documents, and numeric
 * rounding/clamping so that outputs are stable (no floating-point noise in stored results or tests).
 */

export const assetRef = (key: string): string => `asset:${key}`;
export const appRef = (key: string): string => `app:${key}`;
export const depRef = (fromKey: string, toKey: string): string => `dep:${fromKey}->${toKey}`;
export const ruleRef = (id: string): string => `rule:${id}`;

/** Confidence values are always reported in [0,1] with two decimals. */
export function clamp01(value: number): number {
  return round(Math.min(1, Math.max(0, value)), 2);
}

export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** De-duplicated, sorted evidence list: keeps results deterministic regardless of iteration order. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Stable comparator for strings (code-point order, independent of the runtime locale). */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-cased searchable text of an asset's OS fields, used by every keyword rule table. */
export function osText(os: string | null, osVersion: string | null): string {
  return `${os ?? ''} ${osVersion ?? ''}`.toLowerCase().replace(/\s+/g, ' ').trim();
}
