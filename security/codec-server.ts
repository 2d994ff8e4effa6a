/**
 * A Temporal remote codec endpoint: lets the Temporal Web UI ("Codec Server" setting) and
 * `temporal --codec-endpoint <url>` show decrypted payloads without the key ever leaving this service.
 *
 *   POST <mount>/encode | <mount>/decode
 *   { "payloads": [ { "metadata": { "<key>": "<base64>" }, "data": "<base64>" } ] }  →  same shape back
 *
 * The browser calls it cross-origin (from the Web UI's origin), with credentials and an Authorization header,
 * so CORS is answered here: only origins in `allowedOrigins` get CORS headers. `authorize` runs before every
 * encode/decode (never for the preflight, which carries no credentials). Errors are RFC 9457 problem documents;
 * a decode failure is a 400 naming the index of the payload that failed.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import createHttpError, { isHttpError } from 'http-errors';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export interface CodecRouterOptions {
  /** Exact origins (scheme://host[:port]) allowed to call from a browser, e.g. the Web UI's `http://127.0.0.1:8233`. */
  allowedOrigins: string[];
  /** Authentication/authorization middleware run before encode and decode: call next() to allow, or reject. */
  authorize: RequestHandler;
}

export const CODEC_ALLOW_HEADERS = 'content-type, authorization, x-namespace, x-api-key';
export const CODEC_ALLOW_METHODS = 'POST, OPTIONS';
const BODY_LIMIT = '4mb';

function isBase64(value: string): boolean {
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) && value.replace(/=+$/, '').length % 4 !== 1;
}

const base64 = z.string().refine(isBase64, 'must be base64');

const payloadJson = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  // proto3 JSON omits empty bytes, so an absent `data` is an empty payload body.
  data: base64.nullish(),
  externalPayloads: z
    .array(z.object({ sizeBytes: z.union([z.string().regex(/^\d+$/, 'must be a decimal integer'), z.number().int().nonnegative()]).nullish() }))
    .nullish(),
});

// proto3 JSON omits an empty list, so an absent `payloads` (the CLI sends `{}` for a query without arguments) is [].
const requestBody = z.object({ payloads: z.array(payloadJson).default([]) });

type PayloadJson = z.infer<typeof payloadJson>;

function toPayload(json: PayloadJson): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  const payload: Payload = { metadata, data: Buffer.from(json.data ?? '', 'base64') };
  if (json.externalPayloads?.length) {
    // fromObject turns the decimal string into the int64 (Long) protobufjs expects.
    payload.externalPayloads = json.externalPayloads.map((d) =>
      temporal.api.common.v1.Payload.ExternalPayloadDetails.fromObject(d.sizeBytes == null ? {} : { sizeBytes: String(d.sizeBytes) }),
    );
  }
  return payload;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromPayload(payload: Payload): PayloadJson {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) if (value != null) metadata[key] = toBase64(value);
  const json: PayloadJson = { metadata, data: toBase64(payload.data ?? new Uint8Array(0)) };
  if (payload.externalPayloads?.length) {
    // int64 is a decimal string in proto JSON.
    json.externalPayloads = payload.externalPayloads.map((d) => (d.sizeBytes == null ? {} : { sizeBytes: String(d.sizeBytes) }));
  }
  return json;
}

function parseBody(body: unknown): Payload[] {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw createHttpError(400, 'Invalid request: body must be a JSON object {"payloads": [...]} sent as application/json');
  }
  const parsed = requestBody.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
      .join('; ');
    throw createHttpError(400, `Invalid request: ${problems}`);
  }
  return parsed.data.payloads.map(toPayload);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function decodeAll(codec: PayloadCodec, payloads: Payload[]): Promise<Payload[]> {
  try {
    return await codec.decode(payloads);
  } catch (batchError) {
    // Find the culprit so the caller knows which payload is bad.
    for (let i = 0; i < payloads.length; i++) {
      try {
        await codec.decode([payloads[i]!]);
      } catch (err) {
        throw createHttpError(400, `payloads[${i}] could not be decoded: ${messageOf(err)}`);
      }
    }
    throw createHttpError(400, `payloads could not be decoded: ${messageOf(batchError)}`);
  }
}

function normaliseOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function checkedOrigins(origins: string[]): Set<string> {
  const result = new Set<string>();
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`codecRouter: allowed origin ${JSON.stringify(origin)} is not an origin URL (expected scheme://host[:port])`);
    }
    if (url.origin === 'null' || normaliseOrigin(origin) !== url.origin.toLowerCase()) {
      throw new Error(`codecRouter: allowed origin ${JSON.stringify(origin)} must be exactly scheme://host[:port] (no path, no wildcard)`);
    }
    result.add(url.origin.toLowerCase());
  }
  return result;
}

export function codecRouter(codec: PayloadCodec, options: CodecRouterOptions): express.Router {
  const allowed = checkedOrigins(options.allowedOrigins);
  const router = express.Router();

  // CORS headers go on every response (errors included) so a browser can read why a call failed.
  router.use((req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin && allowed.has(normaliseOrigin(origin))) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Headers': CODEC_ALLOW_HEADERS,
        'Access-Control-Allow-Methods': CODEC_ALLOW_METHODS,
        'Access-Control-Max-Age': '600',
      });
    }
    next();
  });

  router.options(['/encode', '/decode'], (_req, res) => {
    res.set('Allow', CODEC_ALLOW_METHODS).status(204).end();
  });

  const json = express.json({ limit: BODY_LIMIT });

  router.post('/encode', options.authorize, json, async (req, res) => {
    const payloads = parseBody(req.body);
    const encoded = await codec.encode(payloads);
    res.json({ payloads: encoded.map(fromPayload) });
  });

  router.post('/decode', options.authorize, json, async (req, res) => {
    const payloads = parseBody(req.body);
    const decoded = await decodeAll(codec, payloads);
    res.json({ payloads: decoded.map(fromPayload) });
  });

  // Client errors (bad JSON, too large, rejected by authorize, bad payloads) answered here; anything else goes on.
  const problems: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent || !isHttpError(err) || err.status >= 500) {
      next(err);
      return;
    }
    const title = createHttpError(err.status).message;
    res
      .status(err.status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title, status: err.status, detail: err.expose ? err.message : title });
  };
  router.use(problems);

  return router;
}
