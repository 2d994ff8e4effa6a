import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mappingChangesFromFeedback } from '../../activities/agents/discovery-agents';
import { loadConfig } from '../../config';
import { findTemporalCli, MISSING_CLI_MESSAGE, requireTemporalCli } from '../../scripts/temporal-cli';
import { cacheHeapWarning, CACHED_FLOW_HEAP_BYTES } from '../../workers/workflow-cache';

describe('configuration', () => {
  test('defaults are complete', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8080, TEMPORAL_NAMESPACE: 'default', MFO_FAULT_INJECTION: false });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  test('a malformed variable stops start-up, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });

  test('visibility updates are every_phase unless set to status_changes', () => {
    expect(loadConfig({}).MFO_VISIBILITY_UPDATES).toBe('every_phase');
    expect(loadConfig({ MFO_VISIBILITY_UPDATES: 'status_changes' }).MFO_VISIBILITY_UPDATES).toBe('status_changes');
    expect(() => loadConfig({ MFO_VISIBILITY_UPDATES: 'never' })).toThrow(/MFO_VISIBILITY_UPDATES/);
  });

  test('the workflow cache is unset, 0 (no cache) or at least 2, as the SDK accepts', () => {
    expect(loadConfig({}).MFO_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ MFO_MAX_CACHED_WORKFLOWS: '' }).MFO_MAX_CACHED_WORKFLOWS).toBeUndefined(); // compose's unset
    expect(loadConfig({ MFO_MAX_CACHED_WORKFLOWS: '0' }).MFO_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(loadConfig({ MFO_MAX_CACHED_WORKFLOWS: '12000' }).MFO_MAX_CACHED_WORKFLOWS).toBe(12_000);
    expect(() => loadConfig({ MFO_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/MFO_MAX_CACHED_WORKFLOWS: must be 0 \(no cache\) or at least 2/);
    expect(() => loadConfig({ MFO_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/MFO_MAX_CACHED_WORKFLOWS/);
  });

  test('a workflow cache that would fill the heap when full is warned about, with the remedy', () => {
    const heap = 4096 * 2 ** 20;
    const fits = Math.floor((heap * 0.75) / CACHED_FLOW_HEAP_BYTES);
    expect(cacheHeapWarning(undefined, heap)).toBeNull(); // the SDK's default is sized from the heap
    expect(cacheHeapWarning(10_000, heap)).toBeNull();
    expect(cacheHeapWarning(fits, heap)).toBeNull();
    const warning = cacheHeapWarning(fits + 1, heap);
    expect(warning).toContain(`MFO_MAX_CACHED_WORKFLOWS=${fits + 1}`);
    expect(warning).toContain('of its 4,096 MB limit');
    expect(warning).toContain('--max-old-space-size');
    expect(cacheHeapWarning(100_000, heap)).toMatch(/needs about 9,766 MB/);
  });
});

describe('temporal CLI discovery', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const fake = path.join(dir, 'temporal');
  fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });

  test('TEMPORAL_CLI_PATH wins, then PATH', () => {
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: fake, PATH: '/nonexistent' })).toBe(fake);
    expect(findTemporalCli({ PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(fake);
  });

  test('a TEMPORAL_CLI_PATH that is not executable is not silently replaced', () => {
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: path.join(dir, 'missing'), PATH: dir })).toBeNull();
    expect(() => requireTemporalCli({ TEMPORAL_CLI_PATH: path.join(dir, 'missing') })).toThrow(MISSING_CLI_MESSAGE);
  });
});

describe('reviewer feedback for the mapping resolver', () => {
  const columns = ['VM', 'DNS Name', 'Annotation', 'Owner'];

  test('arrows, "map X to Y" and "X is Y" become changes; unknown columns are ignored', () => {
    expect(
      mappingChangesFromFeedback(['"DNS Name" -> hostname; map Annotation to owner', 'VM is nothing', 'Nope -> ip'], columns),
    ).toEqual({ 'DNS Name': 'hostname', Annotation: 'owner', VM: null });
  });

  test('free text without instructions yields no changes', () => {
    expect(mappingChangesFromFeedback(['please double-check the owners'], columns)).toEqual({});
  });
});
