/** The operator recipes in scripts/mfo-temporal.sh, run with the real `temporal` CLI against the dev server. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { readTestEnvironment } from '../setup/env';
import { startPlatform, type Platform } from './harness';

const execFileAsync = promisify(execFile);
let platform: Platform;
const tenant = `cli-${Date.now().toString(36)}`;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

/** Asynchronous: the CLI calls back into this process's codec endpoint. */
async function recipe(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(path.join(PROJECT_ROOT, 'scripts/mfo-temporal.sh'), args, {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: readTestEnvironment().temporalAddress,
      TEMPORAL_CODEC_ENDPOINT: `${platform.baseUrl}/codec`,
      TEMPORAL_CODEC_AUTH: `Bearer ${await platform.keyFor(tenant, 'ops-cli', 'operator')}`,
    },
    encoding: 'utf8',
  });
  return stdout;
}

test('query, pause, resume and approve a flow with the temporal CLI; list the tenant\'s flows', async () => {
  const csv = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: csv, tenant });
  const flowId = (await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id } } })).body.flowId;
  await platform.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');

  const state = JSON.parse(await recipe('state', flowId));
  expect(JSON.stringify(state)).toContain('"pendingRequest"');
  expect(JSON.stringify(state)).toContain('field_mapping');

  await recipe('approve', flowId, 'ops-cli', 'field_mapping');
  const done = await platform.waitForFlow(flowId, (s) => s.status === 'completed');
  expect(done.phases.find((p) => p.name === 'field_mapping')!.approvedBy).toBe('ops-cli');

  const second = (await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id } } })).body.flowId;
  await platform.waitForFlow(second, (s) => s.status === 'awaiting_approval');
  await recipe('reject', second, 'ops-cli', '"Owner" is the location');
  await platform.waitForFlow(second, (s) => s.status === 'awaiting_approval' && s.phases.find((p) => p.name === 'field_mapping')!.runs === 2);
  await recipe('approve', second, 'ops-cli');
  await platform.waitForFlow(second, (s) => s.status === 'completed');

  const listed = await recipe('flows', tenant, 'completed');
  expect(listed).toContain(flowId);
  expect(listed).toContain(second);
  const history = await recipe('history', flowId);
  expect(history).toContain('approve');
});
