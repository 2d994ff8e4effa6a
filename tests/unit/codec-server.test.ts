import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import createHttpError from 'http-errors';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { codecRouter } from '../../security/codec-server';
import { AesGcmPayloadCodec, generateKeySpec } from '../../security/payload-codec';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = 'Bearer test-token';
const MARKER = 'codec-server-marker-41d2';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data ?? new Uint8Array(0)),
});
const fromJson = (j: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(j.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(j.data, 'base64'),
});
const metaText = (j: { metadata: Record<string, string> }, key: string) => Buffer.from(j.metadata[key] ?? '', 'base64').toString();

describe('codecRouter over HTTP', () => {
  const codec = AesGcmPayloadCodec.fromSpec(generateKeySpec('k1'));
  const authorize: RequestHandler = (req, _res, next) => {
    next(req.headers.authorization === TOKEN ? undefined : createHttpError(401, 'missing or invalid credentials'));
  };
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use('/codec', codecRouter(codec, { allowedOrigins: [UI_ORIGIN], authorize }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codec`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: TOKEN, 'x-namespace': 'default', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('encode then decode round trip', async () => {
    const payloads = [
      defaultPayloadConverter.toPayload({ marker: MARKER, n: 1 }),
      defaultPayloadConverter.toPayload('text'),
      defaultPayloadConverter.toPayload(null),
    ];
    const encRes = await post('/encode', { payloads: payloads.map(toJson) }, { origin: UI_ORIGIN });
    expect(encRes.status).toBe(200);
    expect(encRes.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const encoded = (await encRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(encoded.payloads).toHaveLength(3);
    for (const p of encoded.payloads) {
      expect(metaText(p, 'encoding')).toBe('binary/encrypted');
      expect(metaText(p, 'encryption-key-id')).toBe('k1');
      expect(Buffer.from(p.data, 'base64').toString('latin1')).not.toContain(MARKER);
    }
    // What went over HTTP is what the codec itself can read.
    expect(defaultPayloadConverter.fromPayload((await codec.decode([fromJson(encoded.payloads[0]!)]))[0]!)).toEqual({ marker: MARKER, n: 1 });

    const decRes = await post('/decode', encoded);
    expect(decRes.status).toBe(200);
    const decoded = (await decRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(decoded.payloads).toEqual(payloads.map(toJson));
    expect(decoded.payloads.map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([{ marker: MARKER, n: 1 }, 'text', null]);
  });

  test('decode passes unencrypted payloads through; empty lists and absent data are fine', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload({ a: 1 }));
    const res = await post('/decode', { payloads: [plain, { metadata: { encoding: b64(Buffer.from('binary/null')) } }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [plain, { metadata: { encoding: b64(Buffer.from('binary/null')) }, data: '' }] });
    const empty = await post('/encode', { payloads: [] });
    expect(await empty.json()).toEqual({ payloads: [] });
  });

  test('preflight from an allowed origin gets CORS headers, without credentials (authorize not run)', async () => {
    const res = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-namespace, x-api-key');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  test('another origin gets no CORS headers, on preflight or on the call', async () => {
    const pre = await fetch(`${base}/encode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    for (const h of ['allow-origin', 'allow-credentials', 'allow-methods', 'allow-headers']) {
      expect(pre.headers.get(`access-control-${h}`)).toBeNull();
    }
    const call = await post('/encode', { payloads: [] }, { origin: 'http://evil.example' });
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('authorize runs before encode/decode: no credentials → 401, still readable cross-origin', async () => {
    for (const path of ['/encode', '/decode']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: UI_ORIGIN },
        body: JSON.stringify({ payloads: [] }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
      expect(await res.json()).toMatchObject({ status: 401, detail: 'missing or invalid credentials' });
    }
  });

  test('an absent payload list (proto3 JSON for none, as the temporal CLI sends it) is an empty one', async () => {
    const res = await post('/decode', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  test('bad bodies → 400 with a clear message', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /JSON|Unexpected|Expected/i],
      [{ payloads: 'x' }, /payloads/],
      [{ payloads: [{ metadata: { encoding: 'not base64!' }, data: '' }] }, /payloads\.0\.metadata\.encoding: must be base64/],
      [{ payloads: [{ metadata: {}, data: 42 }] }, /payloads\.0\.data/],
      [[1, 2], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/decode', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(message);
    }
    const wrongType = await fetch(`${base}/decode`, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'text/plain' }, body: 'x' });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { detail: string }).detail).toMatch(/application\/json/);
  });

  test('a payload that fails to decrypt → 400 naming its index', async () => {
    const encRes = await post('/encode', { payloads: [toJson(defaultPayloadConverter.toPayload('a')), toJson(defaultPayloadConverter.toPayload('b'))] });
    const encoded = (await encRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const data = Buffer.from(encoded.payloads[1]!.data, 'base64');
    data[data.length - 1] ^= 0xff;
    encoded.payloads[1]!.data = data.toString('base64');
    const res = await post('/decode', encoded);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/payloads\[1\].*authentication failed/);

    const foreign = await AesGcmPayloadCodec.fromSpec(generateKeySpec('other')).encode([defaultPayloadConverter.toPayload('c')]);
    const res2 = await post('/decode', { payloads: [encoded.payloads[0], toJson(foreign[0]!)] });
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { detail: string }).detail).toMatch(/payloads\[1\].*unknown encryption key id "other"/);
  });

  test('allowed origins must be plain origins', () => {
    expect(() => codecRouter(codec, { allowedOrigins: ['*'], authorize })).toThrow(/not an origin URL/);
    expect(() => codecRouter(codec, { allowedOrigins: ['http://ui.example/path'], authorize })).toThrow(/exactly scheme/);
    expect(() => codecRouter(codec, { allowedOrigins: ['http://ui.example/'], authorize })).not.toThrow();
  });
});
