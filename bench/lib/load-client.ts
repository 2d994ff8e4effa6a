/**
 * The load generator's client for the gateway's REST API. The baseline is driven through the Temporal client, whose
 * cost per call is gRPC's; the platform's figures should carry the API's cost, not a heavy HTTP client's. Node's
 * `fetch` wraps undici in the WHATWG Request/Response/Headers objects and streams: on loopback it cost about
 * 0.3 ms more CPU per request than undici's own `request` on a pooled keep-alive connection, with a longer tail
 * (BENCHMARKS, "Stop 21"). So the benchmarks use undici's dispatcher directly, as a load generator would.
 */
import { Pool, type Dispatcher } from 'undici';
import { encodeRequest } from '../../tests/support/api-client';

export interface LoadResponse<T = any> {
  status: number;
  body: T;
}

export interface LoadClient {
  /** `path` is relative to /api/v1; a string body is sent as CSV, anything else as JSON. */
  request<T = any>(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<LoadResponse<T>>;
  /** GET `path` on the gateway's origin, unsigned (e.g. /healthz), over the same connections. */
  probe(path: string): Promise<LoadResponse>;
  close(): Promise<void>;
}

/** `baseUrl` is the gateway's origin; every request is signed with `key`. */
export function loadClient(baseUrl: string, key: string): LoadClient {
  // Unlimited connections, kept alive: a request never queues behind another in the client.
  const pool = new Pool(baseUrl);
  const send = async (options: Dispatcher.RequestOptions): Promise<LoadResponse> => {
    const res = await pool.request(options);
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : null };
  };
  return {
    request: (method, path, body, headers = {}) => send({ method, path: `/api/v1${path}`, ...encodeRequest(key, body, headers) }),
    probe: (path) => send({ method: 'GET', path }),
    close: () => pool.close(),
  };
}
