/**
 * Payload encryption against the real dev server: raw history (fetched with the `temporal` CLI and no codec)
 * holds no plaintext of a flow's input or of failure messages; the gateway's codec endpoint decrypts for an
 * authorised caller (and for `temporal --codec-endpoint`); keys rotate mid-flow.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { requireTemporalCli } from '../../scripts/temporal-cli';
import { generateKeySpec } from '../../security/payload-codec';
import { readTestEnvironment } from '../setup/env';
import { startPlatform, type Platform } from './harness';

const execFileAsync = promisify(execFile);
const env = readTestEnvironment();
const tenant = `enc-${Date.now().toString(36)}`;
const cmdb = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cmdb.csv'), 'utf8');

/** Asynchronous on purpose: with --codec-endpoint the CLI calls back into this process's gateway. */
async function rawHistory(flowId: string, extra: string[] = []): Promise<string> {
  const { stdout } = await execFileAsync(
    requireTemporalCli(),
    ['workflow', 'show', '--workflow-id', flowId, '--address', env.temporalAddress, '--output', 'json', ...extra],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** All payload bodies of a history as text: what anyone reading the history store would see. */
function payloadText(history: string): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const { metadata, data } = node as { metadata?: unknown; data?: unknown };
    if (metadata && typeof data === 'string') texts.push(Buffer.from(data, 'base64').toString('latin1'));
    Object.values(node).forEach(walk);
  };
  walk(JSON.parse(history));
  return texts.join('\n');
}

/** Every `encryption-key-id` in a raw history, decoded. */
function keyIdsIn(history: string): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const meta = (node as { metadata?: Record<string, string> }).metadata;
    if (meta?.['encryption-key-id']) ids.add(Buffer.from(meta['encryption-key-id'], 'base64').toString());
    Object.values(node).forEach(walk);
  };
  walk(JSON.parse(history));
  return ids;
}

async function discovery(platform: Platform, options: Record<string, unknown>): Promise<string> {
  const upload = await platform.api('POST', '/imports?filename=cmdb.csv', { raw: cmdb, tenant });
  const start = await platform.api('POST', '/flows', { tenant, body: { flowType: 'discovery', input: { importId: upload.body.id }, options } });
  return start.body.flowId;
}

describe('with one platform', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.stop();
  });

  test('raw history holds no plaintext of the input or of failure messages; the codec endpoint decrypts', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const flowId = await discovery(platform, { autoApprove: true });
    await platform.waitForFlow(flowId, (s) => s.status === 'completed');
    const decommission = await platform.api('POST', '/flows', { tenant, body: { flowType: 'decommission', input: { discoveryFlowId: flowId, targets: [marker] } } });
    const decomId = decommission.body.flowId;
    const state = await platform.waitForFlow(decomId, (s) => s.status === 'awaiting_approval');
    expect(state.input.targets).toEqual([marker]); // readable through the gateway, which has the key
    expect(state.phases[0].summary).toContain(marker);

    const raw = await rawHistory(decomId);
    expect(raw).not.toContain(marker);
    expect(payloadText(raw)).not.toContain(marker);
    expect(keyIdsIn(raw)).toEqual(new Set(['test1']));

    // A failed phase's message is encrypted too (failure attributes are encoded).
    const failing = await discovery(platform, { autoApprove: true, phaseRetry: { maximumAttempts: 1, initialIntervalMs: 100 }, faults: [{ phase: 'data_import', failRuns: 1 }] });
    const attention = await platform.waitForFlow(failing, (s) => s.status === 'needs_attention');
    expect(attention.lastError?.message).toMatch(/injected fault in data_import/);
    const failedRaw = await rawHistory(failing);
    expect(failedRaw).not.toMatch(/injected fault/);
    expect(payloadText(failedRaw)).not.toMatch(/injected fault/);

    // The codec endpoint: the first payload of the start event decrypts to the flow input, for a key holder only.
    const started = JSON.parse(raw).events[0].workflowExecutionStartedEventAttributes.input;
    const decode = (headers: Record<string, string>) =>
      fetch(`${platform.baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(started) });
    expect((await decode({})).status).toBe(401);
    const viewerKey = await issueViewerKey(platform);
    const decoded = await decode({ authorization: `Bearer ${viewerKey}` });
    expect(decoded.status).toBe(200);
    const body = (await decoded.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0].data, 'base64').toString()).toContain(marker);

    // The operator recipe: temporal CLI with --codec-endpoint shows the decrypted input.
    const viaCli = await rawHistory(decomId, ['--codec-endpoint', `${platform.baseUrl}/codec`, '--codec-auth', `Bearer ${viewerKey}`]);
    expect(payloadText(viaCli)).toContain(marker);

    const preflight = await fetch(`${platform.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const foreign = await fetch(`${platform.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

async function issueViewerKey(platform: Platform): Promise<string> {
  const res = await platform.api('POST', `/tenants/${tenant}/keys`, { key: platform.adminKey, body: { name: 'codec-viewer', role: 'viewer' } });
  expect(res.status).toBe(201);
  return res.body.key;
}

test('keys rotate mid-flow: new payloads use the new key, old ones still decrypt', async () => {
  const k1 = generateKeySpec('k1');
  const k2 = generateKeySpec('k2');
  const taskQueue = `rotate-${randomUUID().slice(0, 8)}`;
  const before = await startPlatform({ payloadKeys: k1, taskQueue });
  let flowId: string;
  try {
    flowId = await discovery(before, {});
    await before.waitForFlow(flowId, (s) => s.status === 'awaiting_approval');
  } finally {
    await before.stop();
  }
  const after = await startPlatform({ payloadKeys: `${k2},${k1}`, taskQueue });
  try {
    expect((await after.api('POST', `/flows/${flowId}/approve`, { tenant, body: {} })).status).toBe(202);
    const done = await after.waitForFlow(flowId, (s) => s.status === 'completed');
    expect(done.phases.every((p) => p.status === 'completed')).toBe(true);
    expect(keyIdsIn(await rawHistory(flowId))).toEqual(new Set(['k1', 'k2']));
  } finally {
    await after.stop();
  }
});
