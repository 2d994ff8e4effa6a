/**
 * CPU time per process group, from /proc (Linux): the profile that says which process a scenario saturates.
 * A group is one or more root pids (a side's worker processes, with --workers) and their descendants (PostgreSQL's
 * backends, …), except descendants that are roots of groups of their own (the runner's child processes).
 */
import fs from 'node:fs';
import { round } from './stats';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux we run on

/** Named process groups, each one root pid or several. */
export type ProcessGroups = Record<string, number | readonly number[]>;

const rootsOf = (group: number | readonly number[]): readonly number[] => (typeof group === 'number' ? [group] : group);

interface ProcStat {
  ppid: number;
  cpuTicks: number;
}

/** A /proc stat line: the command name (it may contain spaces and parentheses) and the fixed fields after it. */
function parseStat(text: string): { name: string; fields: string[] } {
  return { name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), fields: text.slice(text.lastIndexOf(')') + 2).split(' ') };
}

function readStat(pid: number): ProcStat | null {
  try {
    const { fields } = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // utime + stime, plus cutime + cstime so children that exited (PostgreSQL backends) still count.
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

function groupTicks(root: number, all: Map<number, ProcStat>, otherRoots: Set<number>): number {
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const stat = all.get(pid);
    if (!stat) continue;
    ticks += stat.cpuTicks;
    for (const [child, s] of all) if (s.ppid === pid && !otherRoots.has(child)) stack.push(child);
  }
  return ticks;
}

/** CPU seconds used so far by each named group. */
export function cpuSeconds(groups: ProcessGroups): Record<string, number> {
  const all = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.set(Number(entry), stat);
  }
  const roots = new Set(Object.values(groups).flatMap(rootsOf));
  return Object.fromEntries(
    Object.entries(groups).map(([name, group]) => [name, rootsOf(group).reduce((ticks, pid) => ticks + groupTicks(pid, all, roots), 0) / TICKS_PER_SECOND]),
  );
}

/** Measures CPU seconds each group spends while `work` runs. */
export async function cpuDuring<T>(groups: ProcessGroups, work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const before = cpuSeconds(groups);
  const result = await work();
  const after = cpuSeconds(groups);
  return { result, cpu: Object.fromEntries(Object.keys(groups).map((k) => [k, after[k] - before[k]])) };
}

interface ThreadStat {
  name: string;
  seconds: number;
}

/** CPU seconds used so far by each thread of a process, by thread id. */
function threadStats(pid: number): Map<number, ThreadStat> {
  const threads = new Map<number, ThreadStat>();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const { name, fields } = parseStat(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      threads.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

/**
 * Labels a process's threads `main` (the thread whose id is the pid) or `<name> #<rank>`, the rank counting threads
 * of that name in creation (thread id) order: Node leaves its own threads (V8's platform workers, which do the
 * parallel and concurrent GC; libuv's pool; worker_threads such as the SDK's workflow thread) all named `node`, and
 * the rank tells them apart; the SDK core's Rust threads carry their own names. Processes of one kind create their
 * threads in the same order, so like threads of several processes get one label, where their id's offset from the
 * pid differs from process to process.
 */
export function threadLabels(pid: number, tids: Iterable<number>, nameOf: (tid: number) => string): Map<number, string> {
  const labels = new Map<number, string>();
  const seen = new Map<string, number>();
  for (const tid of [...tids].sort((a, b) => a - b)) {
    if (tid === pid) {
      labels.set(tid, 'main');
      continue;
    }
    const name = nameOf(tid);
    const rank = (seen.get(name) ?? 0) + 1;
    seen.set(name, rank);
    labels.set(tid, `${name} #${rank}`);
  }
  return labels;
}

/**
 * Measures CPU seconds each thread of each named group spends while `work` runs, a label's seconds summed over the
 * group's processes (see threadLabels). Each thread's share is taken by its id, so a thread that starts or ends
 * meanwhile cannot shift another's figure; what a thread that ended had used is lost.
 */
export async function threadCpuDuring<T>(groups: ProcessGroups, work: () => Promise<T>): Promise<{ result: T; threads: Record<string, Record<string, number>> }> {
  const snapshot = () => new Map(Object.entries(groups).map(([name, group]) => [name, rootsOf(group).map((pid) => ({ pid, threads: threadStats(pid) }))]));
  const before = snapshot();
  const result = await work();
  const after = snapshot();
  const threads = Object.fromEntries(
    [...after].map(([name, processes]) => {
      const summed: Record<string, number> = {};
      processes.forEach(({ pid, threads: now }, i) => {
        const then = before.get(name)![i].threads;
        const labels = threadLabels(pid, new Set([...then.keys(), ...now.keys()]), (tid) => (now.get(tid) ?? then.get(tid))!.name);
        for (const [tid, { seconds }] of now) {
          const label = labels.get(tid)!;
          summed[label] = (summed[label] ?? 0) + seconds - (then.get(tid)?.seconds ?? 0);
        }
      });
      return [name, summed];
    }),
  );
  return { result, threads };
}

/** CPU milliseconds per unit of work (a flow, an approval) for each group, from the seconds cpuDuring measured. */
export function cpuMsPer(cpu: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((v * 1000) / units, 1)]));
}

/** Resident memory of a process, or the sum of a group's, MB (e.g. what caching every parked flow costs a side's workers). */
export function rssMb(group: number | readonly number[]): number {
  const kb = rootsOf(group).reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]), 0);
  return round(kb / 1024, 0);
}
