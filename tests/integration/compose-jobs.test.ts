/**
 * docker-compose.temporal.yml's `temporal-admin-tools` job, run for real: its own shell script and environment, with
 * this project's `temporal` CLI, against the suite's Temporal server. (tests/unit/compose.test.ts checks the file's
 * wiring; this runs the job.) Each run uses a namespace of its own, so the job takes the path of a first start.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { environmentOf, jobScript, readComposeFile } from '../../scripts/compose-temporal/compose-file';
import { requireTemporalCli } from '../../scripts/temporal-cli';
import { FLOW_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { readTestEnvironment } from '../setup/env';

const execFileAsync = promisify(execFile);

const job = readComposeFile().services['temporal-admin-tools'];
const script = jobScript(job);
const cli = requireTemporalCli();

/** Runs the job as compose would, with TEMPORAL_ADDRESS pointing at the suite's server and the given namespace. */
async function runJob(namespace: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync('sh', ['-c', script], {
    env: {
      ...environmentOf(job),
      TEMPORAL_ADDRESS: readTestEnvironment().temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      PATH: `${path.dirname(cli)}:${process.env.PATH}`,
      HOME: process.env.HOME,
    },
    encoding: 'utf8',
  });
  return stdout + stderr;
}

async function registeredAttributes(namespace: string): Promise<Record<string, string>> {
  const { stdout } = await execFileAsync(cli, ['operator', 'search-attribute', 'list', '--address', readTestEnvironment().temporalAddress, '--namespace', namespace, '--output', 'json'], {
    encoding: 'utf8',
  });
  const listed = JSON.parse(stdout) as { customAttributes?: Record<string, string> };
  return listed.customAttributes ?? {};
}

test('the admin-tools job creates a fresh namespace with the flows\' search attributes, and a second run changes nothing', async () => {
  // Several fresh namespaces: right after `namespace create` the frontend may not serve the namespace for a few
  // seconds, and a job that does not wait for it fails on some first starts, not all.
  for (const namespace of ['compose-a', 'compose-b', 'compose-c'].map((n) => `${n}-${Date.now().toString(36)}`)) {
    const first = await runJob(namespace);
    expect(first).toContain(`Namespace ${namespace} successfully registered`);
    const attributes = await registeredAttributes(namespace);
    for (const key of FLOW_SEARCH_ATTRIBUTES) expect(attributes[key.name]).toBe('INDEXED_VALUE_TYPE_KEYWORD');

    const second = await runJob(namespace);
    expect(second).toContain(`namespace ${namespace}: already exists`);
    for (const key of FLOW_SEARCH_ATTRIBUTES) expect(second).toContain(`search attribute ${key.name}: already registered`);
  }
}, 120_000);
