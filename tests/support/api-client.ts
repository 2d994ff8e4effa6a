/** A small client for the gateway's REST API, signed with one key, for fault suites and benchmarks. */
import { ensureTenant, issueKey } from '../../api/key-store';
import type { Database } from '../../db';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

/** A request's headers and body, signed with `key`: a string body is sent as CSV (an upload), anything else as JSON. */
export function encodeRequest(key: string, body: unknown, headers: Record<string, string>): { headers: Record<string, string>; body?: string } {
  const all: Record<string, string> = { authorization: `Bearer ${key}`, ...headers };
  if (typeof body === 'string') return { headers: { 'content-type': 'text/csv', ...all }, body };
  if (body === undefined) return { headers: all };
  return { headers: { ...all, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** `baseUrl` is the gateway's origin; paths are relative to /api/v1. */
export function apiClient(baseUrl: string, key: string): ApiClient {
  return {
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${baseUrl}/api/v1${path}`, { method, ...encodeRequest(key, body, headers) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
  };
}

/** Creates the tenant if needed and issues an operator key for it. */
export async function operatorKey(db: Database, tenant: string, actor = 'operator'): Promise<string> {
  await ensureTenant(db, tenant, tenant, 'test-support');
  return (await issueKey(db, tenant, actor, 'operator', 'test-support')).key;
}
