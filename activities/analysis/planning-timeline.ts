/**
 * Dated schedule for a wave plan. Each wave has four tasks: prepare → cutover → buffer → hypercare. A wave's
 * cutover cannot start before its planned date, before its preparation ends, or before the buffers of the waves
 * holding its dependencies end; it also never lands in a blackout. The critical path is the chain of tasks that
 * determined the finish date, traced back through whichever constraint fixed each start.
 */
import type { Criticality } from './model';
import type { AppEdge } from './app-graph';
import type { WavePlan } from './planning';
import { addDays, daysBetween, maxDate, nextFreeWindow, type BlackoutWindow } from './dates';

export interface TimelineOptions {
  prepDays: number;
  hypercareDays: number;
  blackoutWindows: BlackoutWindow[];
  /** Buffer after cutover as a share of the wave length, by the wave's highest criticality. */
  bufferShare?: Record<Criticality, number>;
}

export interface TimelineTask {
  id: string;
  wave: number;
  kind: 'prepare' | 'cutover' | 'buffer' | 'hypercare';
  start: string;
  end: string;
  durationDays: number;
  predecessors: string[];
  /** The predecessor that fixed this task's start, or null when its planned date did. */
  drivenBy: string | null;
  critical: boolean;
}

export interface Timeline {
  tasks: TimelineTask[];
  criticalPath: string[];
  startDate: string;
  endDate: string;
  totalDays: number;
}

/** More critical waves get more contingency: a failed critical cutover takes longer to recover. */
export const DEFAULT_BUFFER_SHARE: Record<Criticality, number> = { critical: 0.3, high: 0.2, medium: 0.15, unknown: 0.15, low: 0.1 };

export function generateTimeline(plan: WavePlan, deps: readonly AppEdge[], options: TimelineOptions): Timeline {
  const share = options.bufferShare ?? DEFAULT_BUFFER_SHARE;
  const waveOf = new Map(plan.waves.flatMap((w) => w.applicationKeys.map((k) => [k, w.number] as const)));
  const tasks: TimelineTask[] = [];
  const byId = new Map<string, TimelineTask>();
  const add = (t: Omit<TimelineTask, 'critical'>): TimelineTask => {
    const task = { ...t, critical: false };
    tasks.push(task);
    byId.set(task.id, task);
    return task;
  };
  const after = (id: string): string => addDays(byId.get(id)!.end, 1);

  for (const wave of [...plan.waves].sort((a, b) => a.number - b.number)) {
    const n = wave.number;
    // Every task lasts at least a day so that start ≤ end holds for any option values.
    const prepDays = Math.max(1, options.prepDays);
    const hypercareDays = Math.max(1, options.hypercareDays);
    const length = daysBetween(wave.startDate, wave.endDate) + 1;
    const prepare = add({
      id: `w${n}-prepare`,
      wave: n,
      kind: 'prepare',
      start: addDays(wave.startDate, -prepDays),
      end: addDays(wave.startDate, -1),
      durationDays: prepDays,
      predecessors: [],
      drivenBy: null,
    });
    const depWaves = [
      ...new Set(
        deps
          .filter((d) => waveOf.get(d.fromApp) === n && (waveOf.get(d.toApp) ?? n) < n)
          .map((d) => waveOf.get(d.toApp)!),
      ),
    ].sort((a, b) => a - b);
    const predecessors = [prepare.id, ...depWaves.map((m) => `w${m}-buffer`)];
    let earliest = wave.startDate;
    let drivenBy: string | null = null;
    for (const p of predecessors) {
      const candidate = after(p);
      // >= so that preparation ending right before the planned date counts as what fixed the start.
      if (candidate >= earliest) {
        earliest = candidate;
        drivenBy = p;
      }
    }
    const window = nextFreeWindow(earliest, length, options.blackoutWindows);
    const cutover = add({ id: `w${n}-cutover`, wave: n, kind: 'cutover', start: window.start, end: window.end, durationDays: length, predecessors, drivenBy });
    const bufferDays = Math.max(1, Math.ceil(length * share[wave.maxCriticality]));
    const buffer = add({
      id: `w${n}-buffer`,
      wave: n,
      kind: 'buffer',
      start: after(cutover.id),
      end: addDays(cutover.end, bufferDays),
      durationDays: bufferDays,
      predecessors: [cutover.id],
      drivenBy: cutover.id,
    });
    add({
      id: `w${n}-hypercare`,
      wave: n,
      kind: 'hypercare',
      start: after(buffer.id),
      end: addDays(buffer.end, hypercareDays),
      durationDays: hypercareDays,
      predecessors: [buffer.id],
      drivenBy: buffer.id,
    });
  }

  if (tasks.length === 0) return { tasks, criticalPath: [], startDate: '', endDate: '', totalDays: 0 };
  const startDate = tasks.reduce((m, t) => (t.start < m ? t.start : m), tasks[0].start);
  const endDate = tasks.reduce((m, t) => maxDate(m, t.end), tasks[0].end);
  // The last-finishing task (latest wave on a tie) anchors the path; follow whichever constraint set each start.
  const last = [...tasks].reverse().find((t) => t.end === endDate)!;
  const path: string[] = [];
  for (let t: TimelineTask | undefined = last; t; t = t.drivenBy ? byId.get(t.drivenBy) : undefined) {
    t.critical = true;
    path.unshift(t.id);
  }
  return { tasks, criticalPath: path, startDate, endDate, totalDays: daysBetween(startDate, endDate) + 1 };
}
