/** The benchmark's per-thread CPU accounting: like threads of several worker processes must share one label. */
import { threadLabels } from '../../bench/lib/cpu';

describe('threadLabels', () => {
  it('labels threads by name and creation rank, whatever their id offset from the pid', () => {
    const names = new Map([
      [1000, 'node'],
      [1005, 'node'],
      [1018, 'workflow-proc'],
      [1020, 'node'],
    ]);
    const other = new Map([
      [2000, 'node'],
      [2003, 'node'],
      [2080, 'workflow-proc'],
      [2090, 'node'],
    ]);
    const a = threadLabels(1000, names.keys(), (tid) => names.get(tid)!);
    const b = threadLabels(2000, [...other.keys()].reverse(), (tid) => other.get(tid)!);
    expect([...a.values()]).toEqual(['main', 'node #1', 'workflow-proc #1', 'node #2']);
    expect([1000, 1005, 1018, 1020].map((t) => a.get(t))).toEqual([2000, 2003, 2080, 2090].map((t) => b.get(t)));
  });
});
