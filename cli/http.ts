/** The HTTP side of the mfo CLI: one request function over Node's fetch, problem+json errors and exit codes. */

/** An error the CLI reports on stderr and turns into an exit code (1: request failed, 2: bad usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly lines: string[] = [],
    /** Whether the request may have been acted on although it failed: a 5xx, or the connection lost mid-request. */
    readonly outcomeUnknown = false,
  ) {
    super(message);
  }
}

export interface ClientConfig {
  url: string;
  key?: string;
  tenant?: string;
}

export interface RequestOptions {
  body?: unknown;
  raw?: string;
  contentType?: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
}

export class ApiClient {
  constructor(private readonly config: ClientConfig) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, path, options)).body;
  }

  /** The request, answered with the response's headers too (e.g. Idempotent-Replayed). */
  async exchange<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    const base = this.config.url.replace(/\/+$/, '');
    const url = new URL(`${base}/api/v1${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.key) headers.authorization = `Bearer ${this.config.key}`;
    if (this.config.tenant) headers['x-tenant-id'] = this.config.tenant;
    for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = value;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'text/csv';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }

    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const refused = cause?.code === 'ECONNREFUSED';
      const reason = refused ? 'connection refused' : (cause?.message ?? (err as Error).message);
      throw new CliError(`cannot reach the gateway at ${base}: ${reason} (is it running? set --url or MFO_URL)`, 1, [], !refused);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!res.ok) {
      const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as { detail?: string; title?: string; issues?: { field?: string; message?: string }[] };
      const detail = problem.detail ?? problem.title ?? (typeof parsed === 'string' && parsed ? parsed : res.statusText);
      const issues = (problem.issues ?? []).map((i) => `  ${i.field || '(root)'}: ${i.message ?? ''}`);
      throw new CliError(`error ${res.status}: ${detail}`, 1, issues, res.status >= 500);
    }
    return { body: parsed as T, headers: res.headers };
  }
}
