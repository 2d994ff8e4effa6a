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

/** `baseUrl` is the gateway's origin; paths are relative to /api/v1. */
export function apiClient(baseUrl: string, key: string): ApiClient {
  return {
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers } };
      if (typeof body === 'string') {
        init.body = body;
        (init.headers as Record<string, string>)['content-type'] ??= 'text/csv';
      } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await fetch(`${baseUrl}/api/v1${path}`, init);
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
