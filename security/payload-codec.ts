/**
 * Payload encryption for Temporal: a PayloadCodec that seals every payload (workflow inputs, results, activity
 * arguments, signals, queries, memos, failures' details) with AES-256-GCM before it leaves the process, so
 * Temporal history holds only ciphertext. Install it on both the client (gateway) and the worker data
 * converter: `dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(parseKeyRing(spec))] }`.
 *
 * Wire format of an encrypted payload:
 *   metadata: encoding = "binary/encrypted", encryption-key-id = <id>, encryption-cipher = "AES256GCM"
 *   data:     iv (12 bytes) | ciphertext | GCM tag (16 bytes)
 * The plaintext is the whole original Payload proto (metadata and data), so the inner encoding is hidden too.
 * The key id is the GCM additional authenticated data: re-labelling a payload with another key id fails.
 *
 * Key rotation: the key ring's first entry encrypts; every entry decrypts. To rotate, put the new key first
 * and keep the old one after it until no retained history still needs it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_KEY_ID_KEY = 'encryption-key-id';
export const METADATA_CIPHER_KEY = 'encryption-cipher';
export const CIPHER_NAME = 'AES256GCM';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Standard or URL-safe alphabet, padding optional; Buffer.from(…, 'base64') accepts both.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface KeyRing {
  /** Id of the key that encrypts new payloads; always present in `keys`. */
  activeKeyId: string;
  /** Every key that may decrypt, by id (the active one included). */
  keys: Map<string, Buffer>;
}

function checkKeyId(id: string, where: string): void {
  if (!KEY_ID.test(id)) {
    throw new Error(`${where}: key id ${JSON.stringify(id)} is invalid (expected 1-64 characters from [A-Za-z0-9_-])`);
  }
}

/**
 * Parses `"<id>:<base64 32-byte key>,<id>:<base64>…"`. The first entry is the active (encrypting) key; the rest
 * only decrypt. Errors name the entry and the problem, never the key material.
 */
export function parseKeyRing(spec: string): KeyRing {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error('key ring: spec is empty (expected "<id>:<base64 32-byte key>[,<id>:<base64 key>...]")');
  }
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  spec.split(',').forEach((raw, index) => {
    const where = `key ring entry ${index + 1}`;
    const entry = raw.trim();
    if (entry === '') throw new Error(`${where}: empty entry (stray comma?)`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${where}: expected "<id>:<base64 key>", found no ":"`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    checkKeyId(id, where);
    if (keys.has(id)) throw new Error(`${where}: duplicate key id ${JSON.stringify(id)}`);
    if (encoded === '') throw new Error(`${where} (id ${JSON.stringify(id)}): key is missing`);
    if (!BASE64.test(encoded)) throw new Error(`${where} (id ${JSON.stringify(id)}): key is not valid base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(`${where} (id ${JSON.stringify(id)}): key must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.set(id, key);
    activeKeyId ??= id;
  });
  return { activeKeyId: activeKeyId!, keys };
}

/** A fresh one-entry key ring spec with 32 random bytes, for development and test set-up. */
export function generateKeySpec(id: string): string {
  checkKeyId(id, 'generateKeySpec');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function metadataString(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value == null ? undefined : textDecoder.decode(value);
}

export class AesGcmPayloadCodec implements PayloadCodec {
  readonly activeKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(ring: KeyRing) {
    const keys = new Map<string, Buffer>();
    for (const [id, key] of ring.keys) {
      checkKeyId(id, 'key ring');
      if (key.length !== KEY_BYTES) throw new Error(`key ring: key ${JSON.stringify(id)} must be ${KEY_BYTES} bytes, got ${key.length}`);
      keys.set(id, Buffer.from(key)); // private copy: later changes to the caller's buffers do not reach us
    }
    if (!keys.has(ring.activeKeyId)) {
      throw new Error(`key ring: active key id ${JSON.stringify(ring.activeKeyId)} is not among the keys`);
    }
    this.activeKeyId = ring.activeKeyId;
    this.keys = keys;
  }

  static fromSpec(spec: string): AesGcmPayloadCodec {
    return new AesGcmPayloadCodec(parseKeyRing(spec));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.activeKeyId;
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: textEncoder.encode(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID_KEY]: textEncoder.encode(keyId),
        [METADATA_CIPHER_KEY]: textEncoder.encode(CIPHER_NAME),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (metadataString(payload, METADATA_ENCODING_KEY) !== ENCRYPTED_ENCODING) return payload;

    const cipherName = metadataString(payload, METADATA_CIPHER_KEY);
    if (cipherName !== CIPHER_NAME) {
      throw new Error(`encrypted payload: unsupported cipher ${JSON.stringify(cipherName ?? null)} (expected ${CIPHER_NAME})`);
    }
    const keyId = metadataString(payload, METADATA_KEY_ID_KEY);
    if (keyId === undefined || keyId === '') throw new Error('encrypted payload: metadata has no encryption-key-id');
    const key = this.keys.get(keyId);
    if (!key) {
      throw new Error(
        `encrypted payload: unknown encryption key id ${JSON.stringify(keyId)} (key ring has ${[...this.keys.keys()].join(', ')})`,
      );
    }
    const data = payload.data ?? new Uint8Array(0);
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new Error(`encrypted payload (key id ${JSON.stringify(keyId)}): data is ${data.length} bytes, too short to be ${CIPHER_NAME}`);
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new Error(
        `encrypted payload (key id ${JSON.stringify(keyId)}): authentication failed — the data or its key id was altered, or the key is wrong`,
      );
    }
    const inner = temporal.api.common.v1.Payload.decode(plaintext);
    return {
      metadata: { ...inner.metadata },
      data: inner.data,
      ...(inner.externalPayloads.length > 0 ? { externalPayloads: inner.externalPayloads } : {}),
    };
  }
}
