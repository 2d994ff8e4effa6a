/**
 * Committed histories replayed against today's workflow code: a non-deterministic change to workflows/ fails
 * here before it can break flows already running in production. Refresh with `npm run histories`.
 * (The replay runs in its own process: protobuf types do not survive jest's module sandbox.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { AesGcmPayloadCodec } from '../../security/payload-codec';
import { FLOW_CATALOG, FLOW_TYPES } from '../../workflows/catalog';
import { ENGINE_REVISION_MEMO_KEY } from '../../workflows/engine-revision';
import { readTestEnvironment, TEST_PAYLOAD_KEYS } from '../setup/env';

const HISTORIES = path.join(__dirname, '..', 'histories');

interface HistoryJson {
  events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string }; memo?: { fields: Record<string, unknown> } } }[];
}

const readHistory = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as HistoryJson;
const historyFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

/** Replays every history in `dir` in its own process and returns one result per history. */
function replay(dir: string) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/replay-histories.ts', readTestEnvironment().workflowBundlePath, '--dir', dir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  const results = run.stdout.split('\n').filter((line) => line.startsWith('{"history"')).map((line) => JSON.parse(line) as { history: string; ok: boolean; error: string | null });
  return { results, status: run.status };
}

/** A payload in the JSON form of a history: metadata values and data base64-encoded. */
function payloadJson(payload: Payload) {
  const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
  return { metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, base64(v)])), data: base64(payload.data) };
}

test('every committed history replays without non-determinism', () => {
  const files = historyFiles(HISTORIES);
  // Every flow type of the catalog and the programme, recorded in each generation of the engine that flows may still
  // be running on: before the agent-queue patch (pre-agent-queue-*), before agent phases tried the flow queue first
  // (pre-flow-queue-first-*), before engine revisions (pre-revision-1-*: both patches' markers), before search
  // attributes were written once per workflow task (pre-revision-2-*), and today.
  // Types are read from the histories themselves, not their file names.
  const typeOf = (file: string) => readHistory(HISTORIES, file).events[0].workflowExecutionStartedEventAttributes?.workflowType?.name;
  const expected = [...FLOW_TYPES.map((t) => FLOW_CATALOG[t].workflowType), 'programmeFlow'].sort();
  const generations = ['pre-agent-queue-', 'pre-flow-queue-first-', 'pre-revision-1-', 'pre-revision-2-'];
  const generationOf = (file: string) => generations.find((prefix) => file.startsWith(prefix)) ?? 'current';
  for (const generation of [...generations, 'current']) {
    expect([generation, [...new Set(files.filter((f) => generationOf(f) === generation).map(typeOf))].sort()]).toEqual([generation, expected]);
  }
  const { results, status } = replay(HISTORIES);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results.map((r) => r.history).sort()).toEqual(files.sort());
  expect(status).toBe(0);
});

test('a flow started at revision 1 but run by a worker from before revisions replays: its patch markers are consumed', async () => {
  // Such a worker ignores the memo and takes both patches, recording their markers: its history is a pre-revision-1
  // history whose start event carries the revision in its memo. Without the engine consulting the patches on replay,
  // the unconsumed markers fail every one whose flow ran an agent phase (9 of the 14).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfo-mixed-fleet-'));
  const codec = AesGcmPayloadCodec.fromSpec(TEST_PAYLOAD_KEYS);
  const [revision] = await codec.encode([defaultPayloadConverter.toPayload(1)]);
  const files = historyFiles(HISTORIES).filter((f) => f.startsWith('pre-revision-1-'));
  for (const file of files) {
    const history = readHistory(HISTORIES, file);
    history.events[0].workflowExecutionStartedEventAttributes!.memo = { fields: { [ENGINE_REVISION_MEMO_KEY]: payloadJson(revision) } };
    fs.writeFileSync(path.join(dir, file), JSON.stringify(history));
  }
  const { results, status } = replay(dir);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results.map((r) => r.history).sort()).toEqual(files.sort());
  expect(status).toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});
