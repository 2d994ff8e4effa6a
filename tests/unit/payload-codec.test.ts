import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  AesGcmPayloadCodec,
  CIPHER_NAME,
  ENCRYPTED_ENCODING,
  generateKeySpec,
  parseKeyRing,
  type KeyRing,
} from '../../security/payload-codec';

const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array(0));
const utf8 = (s: string) => new TextEncoder().encode(s);
const meta = (p: Payload, key: string) => text(p.metadata?.[key]);

const MARKER = 'SECRET-MARKER-7f3a9c-do-not-leak';
const k1 = generateKeySpec('k1');
const k2 = generateKeySpec('k2');

function sample(): Payload[] {
  return [
    defaultPayloadConverter.toPayload({ marker: MARKER, servers: [{ host: 'db01', ip: '10.0.0.7' }], count: 240 }),
    defaultPayloadConverter.toPayload(`plain string ${MARKER}`),
    defaultPayloadConverter.toPayload(null),
    defaultPayloadConverter.toPayload(undefined),
    defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
  ];
}

/** Normalise for comparison: protobuf messages vs plain objects, Buffer vs Uint8Array. */
function plain(p: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Array.from(v)])),
    data: Array.from(p.data ?? []),
  };
}

describe('AesGcmPayloadCodec', () => {
  const codec = AesGcmPayloadCodec.fromSpec(k1);

  test('round trip of real Temporal payloads', async () => {
    const original = sample();
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(original.length);
    for (const p of encoded) {
      expect(meta(p, 'encoding')).toBe(ENCRYPTED_ENCODING);
      expect(meta(p, 'encryption-key-id')).toBe('k1');
      expect(meta(p, 'encryption-cipher')).toBe(CIPHER_NAME);
      expect(Object.keys(p.metadata!).sort()).toEqual(['encoding', 'encryption-cipher', 'encryption-key-id']);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map(plain)).toEqual(original.map(plain));
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({
      marker: MARKER,
      servers: [{ host: 'db01', ip: '10.0.0.7' }],
      count: 240,
    });
    expect(defaultPayloadConverter.fromPayload(decoded[1]!)).toBe(`plain string ${MARKER}`);
    expect(defaultPayloadConverter.fromPayload(decoded[2]!)).toBeNull();
    expect(defaultPayloadConverter.fromPayload(decoded[3]!)).toBeUndefined();
    expect(Array.from(defaultPayloadConverter.fromPayload<Uint8Array>(decoded[4]!))).toEqual([0, 1, 2, 255]);
    expect(await codec.encode([])).toEqual([]);
  });

  test('ciphertext holds no plaintext: neither the marker nor the inner encoding', async () => {
    const [encoded] = await codec.encode([sample()[0]!]);
    const wire = Buffer.from(temporal.api.common.v1.Payload.encode(encoded!).finish());
    expect(wire.includes(MARKER)).toBe(false);
    expect(wire.includes('json/plain')).toBe(false);
    expect(wire.includes('db01')).toBe(false);
    // iv | ciphertext | tag: 12 + (serialised inner payload) + 16 bytes
    const inner = temporal.api.common.v1.Payload.encode(sample()[0]!).finish();
    expect(encoded!.data!.length).toBe(12 + inner.length + 16);
  });

  test('a fresh IV per payload: the same input encrypts differently each time', async () => {
    const p = sample()[0]!;
    const [a, b] = await codec.encode([p, p]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  test('rotation: the old ring’s payloads decrypt with the new ring, which encrypts with its first key', async () => {
    const ringA = new AesGcmPayloadCodec(parseKeyRing(k1));
    const ringB = new AesGcmPayloadCodec(parseKeyRing(`${k2},${k1}`));
    expect(ringB.activeKeyId).toBe('k2');

    const old = await ringA.encode(sample());
    expect((await ringB.decode(old)).map(plain)).toEqual(sample().map(plain));

    const fresh = await ringB.encode(sample());
    expect(fresh.every((p) => meta(p, 'encryption-key-id') === 'k2')).toBe(true);
    expect((await ringB.decode(fresh)).map(plain)).toEqual(sample().map(plain));
    // ring A never had k2
    await expect(ringA.decode(fresh)).rejects.toThrow(/unknown encryption key id "k2"/);
  });

  test('tampering with any part of the data is detected', async () => {
    const [encoded] = await codec.encode([sample()[0]!]);
    const data = Buffer.from(encoded!.data!);
    for (const at of [0, 11, 12, Math.floor(data.length / 2), data.length - 17, data.length - 1]) {
      const bad = Buffer.from(data);
      bad[at] = bad[at]! ^ 0x01;
      await expect(codec.decode([{ ...encoded!, data: bad }])).rejects.toThrow(/authentication failed/);
    }
    await expect(codec.decode([{ ...encoded!, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
    await expect(codec.decode([{ ...encoded!, data: data.subarray(0, data.length - 1) }])).rejects.toThrow(/authentication failed/);
  });

  test('a payload cannot be re-labelled to another key id (key id is the AAD)', async () => {
    // Same key material under two ids: only the AAD distinguishes them.
    const key = k1.split(':')[1]!;
    const twin = new AesGcmPayloadCodec(parseKeyRing(`k1:${key},alias:${key}`));
    const [encoded] = await twin.encode([sample()[1]!]);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-key-id': utf8('alias') } };
    await expect(twin.decode([relabelled])).rejects.toThrow(/authentication failed/);
    expect(plain((await twin.decode([encoded!]))[0]!)).toEqual(plain(sample()[1]!));
  });

  test('an unknown key id is an error naming it', async () => {
    const [encoded] = await AesGcmPayloadCodec.fromSpec(generateKeySpec('retired-2023')).encode([sample()[1]!]);
    await expect(codec.decode([encoded!])).rejects.toThrow(/"retired-2023"/);
  });

  test('a wrong key under the right id fails authentication', async () => {
    const [encoded] = await AesGcmPayloadCodec.fromSpec(generateKeySpec('k1')).encode([sample()[1]!]);
    await expect(codec.decode([encoded!])).rejects.toThrow(/authentication failed/);
  });

  test('an unsupported or missing cipher is refused', async () => {
    const [encoded] = await codec.encode([sample()[1]!]);
    const other = { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-cipher': utf8('AES128CBC') } };
    await expect(codec.decode([other])).rejects.toThrow(/unsupported cipher "AES128CBC"/);
    const { 'encryption-key-id': _dropped, ...withoutId } = encoded!.metadata!;
    await expect(codec.decode([{ ...encoded!, metadata: withoutId }])).rejects.toThrow(/no encryption-key-id/);
  });

  test('payloads that are not encrypted pass through decode unchanged', async () => {
    const original = sample();
    const mixed = [...(await codec.encode([original[0]!])), original[1]!, original[2]!, { metadata: {}, data: utf8('raw') }, {}];
    const decoded = await codec.decode(mixed);
    expect(plain(decoded[0]!)).toEqual(plain(original[0]!));
    expect(decoded[1]).toBe(original[1]);
    expect(decoded[2]).toBe(original[2]);
    expect(decoded[3]).toBe(mixed[3]);
    expect(decoded[4]).toBe(mixed[4]);
  });

  test('constructor validates the ring and copies the keys', () => {
    const ring = parseKeyRing(k1);
    expect(() => new AesGcmPayloadCodec({ activeKeyId: 'nope', keys: ring.keys })).toThrow(/active key id "nope"/);
    expect(() => new AesGcmPayloadCodec({ activeKeyId: 'k', keys: new Map([['k', Buffer.alloc(16)]]) })).toThrow(/32 bytes/);
  });

  test('the caller zeroing its key buffer afterwards does not affect the codec', async () => {
    const ring: KeyRing = parseKeyRing(k1);
    const own = new AesGcmPayloadCodec(ring);
    const encoded = await own.encode(sample());
    ring.keys.get('k1')!.fill(0);
    expect((await own.decode(encoded)).map(plain)).toEqual(sample().map(plain));
    expect((await codec.decode(encoded)).map(plain)).toEqual(sample().map(plain));
  });
});

describe('parseKeyRing', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  test('first entry is active; every entry decrypts; whitespace tolerated', () => {
    const ring = parseKeyRing(` new:${key} , old_1:${Buffer.alloc(32, 9).toString('base64')}`);
    expect(ring.activeKeyId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old_1']);
    expect(ring.keys.get('new')!.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(parseKeyRing(`url-safe:${Buffer.alloc(32, 0xfb).toString('base64url')}`).keys.get('url-safe')!.equals(Buffer.alloc(32, 0xfb))).toBe(true);
  });

  test('generateKeySpec makes a valid single-key spec with random keys', () => {
    const a = parseKeyRing(generateKeySpec('dev'));
    const b = parseKeyRing(generateKeySpec('dev'));
    expect(a.activeKeyId).toBe('dev');
    expect(a.keys.get('dev')).toHaveLength(32);
    expect(a.keys.get('dev')!.equals(b.keys.get('dev')!)).toBe(false);
    expect(() => generateKeySpec('bad id')).toThrow(/key id "bad id" is invalid/);
  });

  test.each([
    ['', /spec is empty/],
    ['   ', /spec is empty/],
    [`k1:${key},`, /entry 2: empty entry/],
    [`k1${key}`, /entry 1: expected "<id>:<base64 key>"/],
    [`:${key}`, /entry 1: key id "" is invalid/],
    [`bad.id:${key}`, /entry 1: key id "bad.id" is invalid/],
    [`${'x'.repeat(65)}:${key}`, /key id "x{65}" is invalid/],
    [`k1:${key},k1:${key}`, /entry 2: duplicate key id "k1"/],
    ['k1:', /entry 1 \(id "k1"\): key is missing/],
    ['k1:not*base64!', /entry 1 \(id "k1"\): key is not valid base64/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /key must be 32 bytes, got 16/],
    [`k1:${key},k2:${Buffer.alloc(33).toString('base64')}`, /entry 2 \(id "k2"\): key must be 32 bytes, got 33/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(message);
  });

  test('errors never echo key material', () => {
    const short = Buffer.alloc(31, 5).toString('base64');
    try {
      parseKeyRing(`k1:${short}`);
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});
