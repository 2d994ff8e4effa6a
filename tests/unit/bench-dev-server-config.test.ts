/** The dynamic config a bench dev server starts with (bench/lib/environment.ts). */
import { BENCH_DEV_SERVER_CONFIG, dynamicConfigValue, effectiveDynamicConfig } from '../../bench/lib/environment';

describe('bench dev server dynamic config', () => {
  it('lifts the transfer queue reader limit by default', () => {
    expect(effectiveDynamicConfig()).toEqual(['history.transferProcessorMaxPollRPS=1000']);
    expect(effectiveDynamicConfig([])).toEqual([...BENCH_DEV_SERVER_CONFIG]);
  });

  it('lets a given value replace the default with the same key, and keeps other keys', () => {
    expect(effectiveDynamicConfig(['history.transferProcessorMaxPollRPS=20'])).toEqual(['history.transferProcessorMaxPollRPS=20']);
    expect(effectiveDynamicConfig(['matching.numTaskqueueReadPartitions=1'])).toEqual([
      'history.transferProcessorMaxPollRPS=1000',
      'matching.numTaskqueueReadPartitions=1',
    ]);
  });

  it('takes KEY=VALUE and names the flag and an example when the value is not that', () => {
    expect(dynamicConfigValue('history.transferProcessorMaxPollRPS=1000')).toBe('history.transferProcessorMaxPollRPS=1000');
    expect(dynamicConfigValue('frontend.x={"a":1}')).toBe('frontend.x={"a":1}');
    for (const bad of ['history.transferProcessorMaxPollRPS', '=1000', 'key=', '1key=2']) {
      expect(() => dynamicConfigValue(bad)).toThrow(/--dev-server-config wants KEY=VALUE .*got/);
    }
  });
});
