/**
 * A fake OpenAI-compatible chat-completions server (node:http on 127.0.0.1) for tests and benchmarks. Each test
 * scripts it: a responder sees every request (with the agent's name, taken from the response schema's name) and
 * says what to send back — a JSON answer, an HTTP error with headers, an unparseable body, a hang (for good, or
 * until the test releases it), or a reset.
 * Without a script, every agent gets a small valid answer derived from its brief.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  agent: string;
  body: any;
  /** The user-visible text of every message, joined: what a test greps for feedback, examples, tool results. */
  text: string;
  /** 1-based count of requests this agent has received so far. */
  nth: number;
  /** Set when the client went away before an answer (abort, timeout). */
  aborted: boolean;
  /** When it arrived (epoch ms). */
  at: number;
}

export type FakeReply =
  | { kind: 'answer'; content: unknown; finishReason?: 'stop' | 'length'; usage?: { prompt: number; completion: number } }
  | { kind: 'tool_calls'; calls: { name: string; args: unknown }[] }
  | { kind: 'error'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'raw'; status: number; body: string }
  | { kind: 'hang' }
  /** Hangs until `release` settles, then sends what it resolves to (undefined: the default answer). */
  | { kind: 'hold'; release: Promise<FakeReply | undefined> }
  | { kind: 'reset' };

/** Return undefined to fall through to the default valid answer. */
export type Responder = (request: FakeRequest) => FakeReply | undefined;

export interface FakeOpenAi {
  url: string;
  requests: FakeRequest[];
  script(responder: Responder | null): void;
  /** Requests per minute the fake accepts before answering 429 with Retry-After (benchmarks). */
  limitRate(perMinute: number | null): void;
  close(): Promise<void>;
}

export const DEFAULT_USAGE = { prompt: 1000, completion: 200 };

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  let responder: Responder | null = null;
  let rateLimit: number | null = null;
  const accepted: number[] = [];
  const requests: FakeRequest[] = [];
  const perAgent = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const agent = String(body.response_format?.json_schema?.name ?? 'unknown');
      perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
      const text = (body.messages ?? []).map((m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : '')).join('\n');
      const request: FakeRequest = { agent, body, text, nth: perAgent.get(agent)!, aborted: false, at: Date.now() };
      requests.push(request);
      res.on('close', () => {
        if (!res.writableFinished) request.aborted = true;
        hanging.delete(res);
      });
      if (rateLimit !== null) {
        const now = Date.now();
        while (accepted.length && accepted[0] <= now - 60_000) accepted.shift();
        if (accepted.length >= rateLimit) {
          const retryAfter = Math.max(1, Math.ceil((accepted[0] + 60_000 - now) / 1000));
          return send(res, request, { kind: 'error', status: 429, headers: { 'retry-after': String(retryAfter) } });
        }
        accepted.push(now);
      }
      send(res, request, responder?.(request) ?? defaultAnswer(request));
    });
  });

  function send(res: http.ServerResponse, request: FakeRequest, reply: FakeReply): void {
    switch (reply.kind) {
      case 'hang':
        hanging.add(res);
        return;
      case 'hold':
        hanging.add(res);
        void reply.release.then((next) => {
          if (!res.destroyed) send(res, request, next ?? defaultAnswer(request));
        });
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'raw':
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      case 'error':
        res
          .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          .end(JSON.stringify({ error: { message: reply.message ?? `scripted ${reply.status}`, type: 'fake', code: null } }));
        return;
      case 'tool_calls':
        return json(res, completion(request, { role: 'assistant', content: null, tool_calls: reply.calls.map((c, i) => ({ id: `call_${request.nth}_${i}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) }, 'tool_calls', DEFAULT_USAGE));
      case 'answer': {
        const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content);
        return json(res, completion(request, { role: 'assistant', content }, reply.finishReason ?? 'stop', reply.usage ?? DEFAULT_USAGE));
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (r) => {
      responder = r;
    },
    limitRate: (perMinute) => {
      rateLimit = perMinute;
    },
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function completion(request: FakeRequest, message: unknown, finishReason: string, usage: { prompt: number; completion: number }) {
  return {
    id: `chatcmpl-${request.agent}-${request.nth}`,
    object: 'chat.completion',
    created: 0,
    model: request.body.model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
  };
}

/** The brief the platform put in the first user message. */
export function briefOf(request: FakeRequest): any {
  const user = request.body.messages.find((m: { role: string }) => m.role === 'user');
  const match = /Brief for this run \(JSON\):\n(.*?)(\n\n|$)/s.exec(user.content);
  return match ? JSON.parse(match[1]) : null;
}

/** A small, valid answer for each agent, built from its brief (what a cooperative model would say). */
export function defaultAnswer(request: FakeRequest): FakeReply {
  const brief = briefOf(request);
  switch (request.agent) {
    case 'data-quality-explainer':
      return { kind: 'answer', content: { explanations: brief.criticalIssues.map((i: { code: string; affectedRows: number }) => `Model: ${i.code} affects ${i.affectedRows} rows.`) } };
    case 'move-group-namer':
      return {
        kind: 'answer',
        content: {
          groups: brief.map((g: { groupId: string; applicationKeys: string[]; evidence: string[] }) => ({
            groupId: g.groupId,
            name: `Model group ${g.groupId}`,
            description: `Applications ${g.applicationKeys.join(', ') || 'none'}`,
            rationale: 'Connected in the dependency graph.',
            confidence: 0.8,
            evidence: g.evidence.slice(0, 3),
          })),
        },
      };
    case 'wave-namer':
      return {
        kind: 'answer',
        content: { waves: brief.map((w: { wave: number }) => ({ wave: w.wave, name: `Model wave ${w.wave}`, justification: 'Dependency order.', confidence: 0.7, evidence: [] })) },
      };
    case 'field-mapping-resolver':
    case 'strategy-advisor':
      return { kind: 'answer', content: { decisions: [] } };
    case 'tech-debt-advisor':
      return { kind: 'answer', content: { advice: [] } };
    case 'optimisation-prioritiser':
      return { kind: 'answer', content: { ranking: [] } };
    default:
      return { kind: 'error', status: 400, message: `fake server knows no agent ${request.agent}` };
  }
}
