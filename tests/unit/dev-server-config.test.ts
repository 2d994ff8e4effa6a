/** The dynamic config every dev server starts with (scripts/dev-server.ts), and the bench's flag for more. */
import { dynamicConfigValue } from '../../bench/lib/environment';
import { DEV_SERVER_DYNAMIC_CONFIG, devServerDynamicConfig } from '../../scripts/dev-server';

describe('dev server dynamic config', () => {
  it('keeps the search-attribute cache and lifts the transfer queue reader limit by default', () => {
    expect(devServerDynamicConfig()).toEqual(['system.forceSearchAttributesCacheRefreshOnRead=false', 'history.transferProcessorMaxPollRPS=1000']);
    expect(devServerDynamicConfig([])).toEqual([...DEV_SERVER_DYNAMIC_CONFIG]);
  });

  it('lets a given value replace the default with the same key, and keeps other keys', () => {
    expect(devServerDynamicConfig(['history.transferProcessorMaxPollRPS=20'])).toEqual([
      'system.forceSearchAttributesCacheRefreshOnRead=false',
      'history.transferProcessorMaxPollRPS=20',
    ]);
    expect(devServerDynamicConfig(['matching.numTaskqueueReadPartitions=1'])).toEqual([...DEV_SERVER_DYNAMIC_CONFIG, 'matching.numTaskqueueReadPartitions=1']);
  });

  it('takes KEY=VALUE on the bench command line and names the flag and an example when the value is not that', () => {
    expect(dynamicConfigValue('history.transferProcessorMaxPollRPS=1000')).toBe('history.transferProcessorMaxPollRPS=1000');
    expect(dynamicConfigValue('frontend.x={"a":1}')).toBe('frontend.x={"a":1}');
    for (const bad of ['history.transferProcessorMaxPollRPS', '=1000', 'key=', '1key=2']) {
      expect(() => dynamicConfigValue(bad)).toThrow(/--dev-server-config wants KEY=VALUE .*got/);
    }
  });
});
