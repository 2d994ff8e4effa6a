/**
 * `npm start` as a user runs it: the launcher starts its own Temporal dev server (with Web UI and SQLite file),
 * the embedded PGlite database, the worker and the gateway in one process. A flow completes on PGlite; Ctrl-C
 * stops everything; a second start on the same data directory still has the flow and its artifacts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { flowDataConverter } from '../../security/data-converter';
import { AesGcmPayloadCodec } from '../../security/payload-codec';
import { freePort } from '../support/ports';
import { readTestEnvironment } from '../setup/env';

interface Launch {
  child: ChildProcess;
  output: string[];
}

const env = readTestEnvironment();
const dataDir = path.join(env.tempDir, 'launcher-data');

async function launch(ports: { temporal: number; ui: number; gateway: number; workerMetrics: number }): Promise<Launch> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    MFO_DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    PORT: String(ports.gateway),
    MFO_WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.workerMetrics}`,
    MFO_WORKFLOW_BUNDLE: env.workflowBundlePath,
    LOG_LEVEL: 'info',
  };
  delete childEnv.DATABASE_URL;
  delete childEnv.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const deadline = Date.now() + 90_000;
  while (!output.join('').includes('gateway listening')) {
    if (child.exitCode !== null) throw new Error(`launcher exited early:\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`launcher did not come up:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output };
}

/**
 * Headless Chromium (Debian's package) opens the dev server's Web UI: the finished flow is in the list, and the page
 * of the flow waiting at its gate shows its activity summaries, static summary and current details in clear text.
 * All are encrypted in Temporal, so they are readable only because the UI decoded them through the gateway's codec
 * endpoint.
 */
async function expectFlowsInWebUi(uiPort: number, finishedId: string, waitingId: string): Promise<void> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows`);
    await page.getByText(finishedId).first().waitFor({ timeout: 30_000 });
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(waitingId)}`);
    // The timeline labels each activity with its decoded summary.
    await page.getByText('field_mapping: Map source columns to the canonical schema (run 1)').first().waitFor({ timeout: 30_000 });
    await page.getByText('User Metadata').first().click();
    // The UI renders user metadata (markdown) in iframes of its own, so the text is looked for in every frame.
    await waitForFrameText(page, ['Discovery flow for tenant default, started by dev', 'Current phase: field_mapping', 'Waiting for: approval']);
  } finally {
    await browser.close();
  }
}

async function waitForFrameText(page: Page, needles: string[], timeoutMs = 30_000): Promise<void> {
  let texts: string[] = [];
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '')));
    if (needles.every((needle) => texts.some((text) => text.includes(needle)))) return;
  }
  throw new Error(`the Web UI never showed ${JSON.stringify(needles)}; frames had: ${JSON.stringify(texts.map((t) => t.trim().slice(0, 200)))}`);
}

/** The payload key ring the launcher encrypts with: MFO_PAYLOAD_KEYS, else the one it generated on first start. */
function launcherPayloadKeys(): string {
  return process.env.MFO_PAYLOAD_KEYS ?? fs.readFileSync(path.join(dataDir, 'payload.keys'), 'utf8').trim();
}

/**
 * What an operator sees of a flow waiting at its gate, through the SDK as the Web UI gets it: the static summary,
 * the current details of the metadata query, the activity summaries in history, and the visibility filters.
 */
async function expectOperatorView(temporalPort: number, flowId: string): Promise<void> {
  const payloadKeys = launcherPayloadKeys();
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    const client = new Client({ connection, dataConverter: flowDataConverter(payloadKeys) });
    const handle = client.workflow.getHandle(flowId);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('Discovery flow for tenant default, started by dev');
    expect(await description.staticDetails()).toMatch(/^Phases: data_import → .*field_mapping \(gate: approval\)/);

    const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toMatch(/— awaiting_approval/);
    expect(metadata.currentDetails).toMatch(/Progress: [23]\/6 phases/);
    expect(metadata.currentDetails).toContain('Current phase: field_mapping');
    expect(metadata.currentDetails).toMatch(/Waiting for: approval — \S/);

    // Activity summaries are user metadata payloads: encrypted in history like everything else, named by phase.
    const codec = AesGcmPayloadCodec.fromSpec(payloadKeys);
    const scheduled = ((await handle.fetchHistory()).events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    const summaries: string[] = [];
    for (const event of scheduled) {
      const raw = event.userMetadata?.summary as Payload;
      expect(Buffer.from(raw.metadata!.encoding!).toString()).toBe('binary/encrypted');
      const [decoded] = await codec.decode([raw]);
      summaries.push(defaultPayloadConverter.fromPayload<string>(decoded));
    }
    expect(summaries).toEqual(expect.arrayContaining([expect.stringMatching(/^data_import: \S.* \(run 1\)$/), expect.stringMatching(/^field_mapping: \S.* \(run 1\)$/)]));

    // Visibility is eventually consistent with the flow: poll the filter the Web UI's search box would use.
    const query = `TenantId = 'default' AND FlowType = 'discovery' AND CurrentPhase = 'field_mapping' AND FlowStatus = 'awaiting_approval'`;
    let found: string[] = [];
    for (const deadline = Date.now() + 15_000; !found.includes(flowId) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      found = [];
      for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
    }
    expect(found).toContain(flowId);
  } finally {
    await connection.close();
  }
}

async function stop(launched: Launch): Promise<number | null> {
  return new Promise((resolve) => {
    launched.child.once('exit', (code) => resolve(code));
    launched.child.kill('SIGINT');
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function api(port: number, method: string, urlPath: string, body?: string, contentType = 'application/json') {
  // The launcher issues the default tenant's operator key on first start, as the README says.
  const key = fs.readFileSync(path.join(dataDir, 'operator.key'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${urlPath}`, {
    method,
    body,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': contentType } : {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Polls a flow until it reaches `status`; a data-quality input request on the way is answered with "accept". */
async function waitForStatus(port: number, flowId: string, status: string) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const state = (await api(port, 'GET', `/flows/${flowId}`)).body;
    if (state.status === status) return state;
    if (state.status === 'awaiting_input' && state.pendingRequest?.phase === 'data_validation') {
      await api(port, 'POST', `/flows/${flowId}/input`, JSON.stringify({ data: { accept: true } }));
    }
  }
  throw new Error(`flow ${flowId} did not reach ${status}`);
}

test('npm start: whole platform on embedded defaults, clean Ctrl-C, state survives a restart', async () => {
  const ports = { temporal: await freePort(), ui: await freePort(), gateway: await freePort(), workerMetrics: await freePort() };
  const first = await launch(ports);
  try {
    const log = first.output.join('');
    expect(log).toContain(`Temporal dev server listening on 127.0.0.1:${ports.temporal}`);
    expect(log).toContain(`Web UI at http://127.0.0.1:${ports.ui}`);
    expect(log).toMatch(/database ready \(pglite at .*launcher-data\/pglite\)/);
    expect(log).toContain(`gateway listening on http://127.0.0.1:${ports.gateway}/api/v1`);
    expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);
    expect(log).toContain('API keys: tenant default, operator dev');
    expect((await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/flows`)).status).toBe(401);

    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);
    // The Web UI is configured with the gateway's codec endpoint, and the browser's call from the UI origin works.
    const settings = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(`http://127.0.0.1:${ports.gateway}/codec`);
    const fromUi = await fetch(`http://127.0.0.1:${ports.gateway}/codec/decode`, {
      method: 'POST',
      headers: { origin: `http://127.0.0.1:${ports.ui}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${ports.ui}`);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    await connection.close();
    expect(Object.keys(attributes.customAttributes)).toEqual(expect.arrayContaining(['TenantId', 'FlowType', 'FlowStatus', 'CurrentPhase']));

    const csv = fs.readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/cmdb.csv'), 'utf8');
    const upload = await api(ports.gateway, 'POST', '/imports?filename=cmdb.csv', csv, 'text/csv');
    expect(upload.status).toBe(201);
    const started = await api(ports.gateway, 'POST', '/flows', JSON.stringify({ flowType: 'discovery', input: { importId: upload.body.id }, options: { autoApprove: true } }));
    expect(started.status).toBe(201);
    let state = await api(ports.gateway, 'GET', `/flows/${started.body.flowId}`);
    for (const deadline = Date.now() + 60_000; state.body.status !== 'completed' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      state = await api(ports.gateway, 'GET', `/flows/${started.body.flowId}`);
    }
    expect(state.body.status).toBe('completed');
    // Worker metrics from the SDK's Prometheus exporter: per-phase activity latency, by activity type.
    const workerMetrics = await (await fetch(`http://127.0.0.1:${ports.workerMetrics}/metrics`)).text();
    expect(workerMetrics).toMatch(/temporal_activity_execution_latency\S*\{[^}]*activity_type="discoveryDataImport"/);
    // …and the platform's own: flows ended by type and status, phase durations by flow type and phase.
    expect(workerMetrics).toMatch(/mfo_flows_ended\S*\{[^}]*flow_type="discovery"[^}]*\} 1\b|mfo_flows_ended\S*\{[^}]*status="completed"[^}]*\} 1\b/);
    expect(workerMetrics).toMatch(/mfo_phase_duration\S*_count\{[^}]*phase="dependency_analysis"/);
    // JSON logs carry tenant and flow id.
    const logLines = first.output.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(logLines.some((l) => l.flowId === started.body.flowId && l.tenantId === 'default' && l.phase === 'asset_inventory')).toBe(true);

    // A second flow, without autoApprove, stops at its field_mapping gate: what the operator sees of it.
    const gated = await api(ports.gateway, 'POST', '/flows', JSON.stringify({ flowType: 'discovery', input: { importId: upload.body.id } }));
    expect(gated.status).toBe(201);
    const waiting = await waitForStatus(ports.gateway, gated.body.flowId, 'awaiting_approval');
    expect(waiting.currentPhase).toBe('field_mapping');
    await expectOperatorView(ports.temporal, gated.body.flowId);

    await expectFlowsInWebUi(ports.ui, started.body.flowId, gated.body.flowId);

    expect(await stop(first)).toBe(0);
    expect(first.output.join('')).toContain('stopped');
    expect(await portOpen(ports.temporal)).toBe(false);
    expect(await portOpen(ports.gateway)).toBe(false);

    const second = await launch(ports);
    try {
      const again = await api(ports.gateway, 'GET', `/flows/${started.body.flowId}`);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('completed');
      const artifact = await api(ports.gateway, 'GET', `/flows/${started.body.flowId}/phases/asset_inventory/artifact`);
      expect(artifact.status).toBe(200);
      expect(artifact.body.data.assetCount).toBeGreaterThanOrEqual(200);
    } finally {
      await stop(second);
    }
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  }
}, 240_000);
