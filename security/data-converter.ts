/**
 * The data converter every client and worker uses: payloads encrypted by the AES-256-GCM codec, and failure
 * messages and stack traces moved into encoded attributes so they are encrypted too.
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payload-codec';

export const MISSING_KEYS_MESSAGE =
  'MFO_PAYLOAD_KEYS is required: a key ring "<id>:<base64 32-byte key>[,<older id>:<key>...]" (the first key encrypts; ' +
  'older ones still decrypt). Generate one with `npx tsx scripts/payload-key.ts <id>`.';

/** Also bundled into the workflow code (workers/workflow-bundle.ts): workflows convert failures in the sandbox. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function flowDataConverter(keyRingSpec: string): DataConverter {
  return { payloadCodecs: [AesGcmPayloadCodec.fromSpec(keyRingSpec)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export function requirePayloadKeys(spec: string | undefined): string {
  if (!spec) throw new Error(MISSING_KEYS_MESSAGE);
  return spec;
}
