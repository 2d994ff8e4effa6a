/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), always in UTC so results never depend on the host time zone.
 * Engines take every date as a parameter; nothing here reads the clock.
 */

const DAY_MS = 86_400_000;

function parse(iso: string): number {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${iso}`);
  return ms;
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parse(b) - parse(a)) / DAY_MS);
}

export function addDays(iso: string, days: number): string {
  return new Date(parse(iso) + days * DAY_MS).toISOString().slice(0, 10);
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

export interface DateWindow {
  start: string;
  end: string;
}

export interface BlackoutWindow extends DateWindow {
  reason: string;
}

/**
 * The first window of `lengthDays` days starting on or after `earliest` that overlaps no blackout, and the
 * blackouts it had to skip. Each skip moves the start past a blackout's end, so the loop always terminates.
 */
export function nextFreeWindow(
  earliest: string,
  lengthDays: number,
  blackouts: readonly BlackoutWindow[],
): DateWindow & { skipped: BlackoutWindow[] } {
  const sorted = blackouts
    .map((b) => ({ ...b, start: b.start.slice(0, 10), end: b.end.slice(0, 10) }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let start = earliest.slice(0, 10);
  const skipped: BlackoutWindow[] = [];
  for (;;) {
    const end = addDays(start, Math.max(1, lengthDays) - 1);
    const hit = sorted.find((b) => b.start <= end && b.end >= start);
    if (!hit) return { start, end, skipped };
    skipped.push(hit);
    start = addDays(hit.end, 1);
  }
}
