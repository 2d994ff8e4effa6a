/** Prints a new key-ring entry for MFO_PAYLOAD_KEYS: `npx tsx scripts/payload-key.ts <id>`. Prepend it to rotate. */
import { generateKeySpec } from '../security/payload-codec';

console.log(generateKeySpec(process.argv[2] ?? `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`));
