/**
 * API key format and verification. A key reads `mfo.<key id>.<secret>`: the id finds the row, the secret is
 * compared by its SHA-256 in constant time. Secrets are 32 random bytes, shown once at issue.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface IssuedSecret {
  secret: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newSecret(): IssuedSecret {
  const secret = randomBytes(32).toString('base64url');
  return { secret, secretHash: hashSecret(secret) };
}

export function formatKey(id: string, secret: string): string {
  return `mfo.${id}.${secret}`;
}

export function parseKey(key: string): { id: string; secret: string } | null {
  const match = /^mfo\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
