/** How the benchmark summarises: nearest-rank percentiles of a window, the median of rounds, interleaved starts. */
import { median, percentile, summarize } from '../../bench/lib/stats';
import { interleavedStartsFor, START_RATE_PER_SECOND } from '../../bench/scenarios/start-latency';

describe('percentile', () => {
  it('is nearest-rank: always a value that was observed', () => {
    const sorted = Array.from({ length: 600 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(594);
    expect(summarize([3, 1, 2]).p50).toBe(2);
  });
});

describe('median of rounds', () => {
  it('takes the middle of an odd count', () => {
    expect(median([1.4, 0.9, 2.1])).toBe(1.4);
  });

  it('takes the mean of the two middle values of an even count, leaning to neither side of a goal', () => {
    expect(median([0.31, 0.67])).toBeCloseTo(0.49);
    expect(median([1.78, 1.39, 1.52, 1.14])).toBeCloseTo(1.455);
  });

  it('is NaN with nothing to summarise, which the report prints as a dash', () => {
    expect(median([])).toBeNaN();
  });
});

describe('interleavedStartsFor', () => {
  it('has the kinds take turns at the scenario rate in all, each latency kept with its kind', async () => {
    const sent: string[] = [];
    const kind = (name: string, ms: number) => async () => {
      sent.push(name);
      return { workflowId: `${name}-${sent.length}`, startMs: ms };
    };
    const latencies = await interleavedStartsFor(1, [kind('platform', 2), kind('raw', 1)]);
    expect(sent).toHaveLength(START_RATE_PER_SECOND);
    expect(sent.slice(0, 4)).toEqual(['platform', 'raw', 'platform', 'raw']);
    expect(latencies).toEqual([Array(START_RATE_PER_SECOND / 2).fill(2), Array(START_RATE_PER_SECOND / 2).fill(1)]);
  });
});
