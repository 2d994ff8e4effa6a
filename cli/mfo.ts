/**
 * mfo — a thin command-line client of the REST API (/api/v1). Human tables by default, `--json` for the raw
 * response. Exit codes: 0 ok, 1 request failed (non-2xx or gateway unreachable), 2 bad usage (e.g. invalid JSON
 * in an option), 3 `flows watch` stopped at a human gate.
 * Run through cli/mfo.mjs (`npx mfo …`), which loads this file with tsx.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { FlowState, PendingRequest } from '../workflows/messages';
import { VISIBILITY_UPDATES } from '../workflows/vocabulary';
import { ApiClient, CliError } from './http';
import { fields, table } from './format';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const HUMAN_GATES = new Set(['awaiting_approval', 'awaiting_input', 'needs_attention']);
const FINISHED = new Set(['completed', 'cancelled']);

interface GlobalOptions {
  url: string;
  key?: string;
  tenant?: string;
  json?: boolean;
}

function defaultKey(): string | undefined {
  if (process.env.MFO_API_KEY) return process.env.MFO_API_KEY;
  try {
    return fs.readFileSync(path.join(PROJECT_ROOT, '.data', 'operator.key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a start or control message under an Idempotency-Key (the user's, or a fresh one). If it fails in a way that
 * leaves its outcome unknown (a 5xx, a connection lost mid-request), the error says how to retry it safely: with
 * the same key, the gateway answers with what the first attempt did instead of doing it twice.
 */
async function sentOnce<T>(userKey: string | undefined, send: (key: string) => Promise<T>): Promise<T> {
  const key = userKey ?? randomUUID();
  try {
    return await send(key);
  } catch (err) {
    if (err instanceof CliError && err.outcomeUnknown) err.lines.push(`it may have been applied; to retry without acting twice, run the command again with --idempotency-key ${key}`);
    throw err;
  }
}

/** Parses a JSON option; bad JSON (or not an object) is a usage error naming the option. */
function jsonObject(option: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`invalid JSON in ${option}: ${(err as Error).message}`, 2);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${option} must be a JSON object`, 2);
  return value as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describePending(pending: PendingRequest | null): string {
  if (!pending) return '-';
  return `${pending.kind} for ${pending.phase}: ${pending.prompt}${pending.expects ? ` (expects ${JSON.stringify(pending.expects)})` : ''}`;
}

/** Phases finished (completed or skipped) out of all the flow's phases. */
function phaseProgress(s: FlowState): { done: number; total: number } {
  return { done: s.phases.filter((p) => p.status === 'completed' || p.status === 'skipped').length, total: s.phases.length };
}

export function buildProgram(): Command {
  const program = new Command('mfo')
    .description('Command-line client of the Migration Flow Orchestrator REST API')
    .addOption(new Option('--url <url>', 'gateway base URL').env('MFO_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--key <key>', 'API key (default: .data/operator.key)').env('MFO_API_KEY'))
    .addOption(new Option('--tenant <tenantId>', 'act inside this tenant (X-Tenant-Id, admin keys)').env('MFO_TENANT'))
    .option('--json', 'print the raw JSON response')
    .showHelpAfterError();

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const api = () => {
    const { url, key, tenant } = globals();
    return new ApiClient({ url, key: key ?? defaultKey(), tenant });
  };
  /** Prints the raw JSON with --json, otherwise the human rendering. */
  const out = (body: unknown, human: () => string) => {
    console.log(globals().json ? JSON.stringify(body, null, 2) : human());
  };
  const stateLine = (s: FlowState) => fields([
    ['flow', s.flowId],
    ['status', s.status],
    ['phase', s.currentPhase],
    ['progress', `${phaseProgress(s).done}/${phaseProgress(s).total} phases`],
    ['pending', describePending(s.pendingRequest)],
    ...(s.lastError ? ([['last error', JSON.stringify(s.lastError)]] as [string, unknown][]) : []),
  ]);

  // imports
  const imports = program.command('imports').description('inventory uploads');
  imports
    .command('upload <file>')
    .description('upload a CSV or JSON inventory file')
    .option('--filename <name>', 'name to record (default: the file name)')
    .action(async (file: string, opts: { filename?: string }) => {
      let content: string;
      try {
        content = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
      }
      const contentType = path.extname(file).toLowerCase() === '.json' ? 'application/json' : 'text/csv';
      const row = await api().request('POST', '/imports', { raw: content, contentType, query: { filename: opts.filename ?? path.basename(file) } });
      out(row, () => {
        const warnings: unknown[] = row.warnings ?? [];
        return fields([['import', row.id], ['filename', row.filename], ['format', row.format], ['rows', row.rowCount], ['warnings', warnings.length]]);
      });
    });
  imports
    .command('list')
    .description("list the tenant's imports")
    .action(async () => {
      const body = await api().request('GET', '/imports');
      out(body, () => table<any>(body.imports, [['ID', (r) => r.id], ['FILENAME', (r) => r.filename], ['FORMAT', (r) => r.format], ['ROWS', (r) => r.rowCount], ['BY', (r) => r.uploadedBy], ['CREATED', (r) => r.createdAt]]));
    });

  // flows
  const flows = program.command('flows').description('start, inspect and control flows');
  flows
    .command('start <flowType>')
    .description('start a flow')
    .option('--input <json>', 'flow input as a JSON object', '{}')
    .option('--auto-approve', 'skip approval gates where allowed')
    .option('--chain <flowType>', 'start this flow type when this one completes')
    .addOption(new Option('--visibility-updates <when>', "when the flow writes FlowStatus/CurrentPhase to Temporal's visibility store (default: the gateway's MFO_VISIBILITY_UPDATES)").choices(VISIBILITY_UPDATES))
    .option('--idempotency-key <key>', 'run the command again with the same key and it answers with the flow it started instead of starting another')
    .action(async (flowType: string, opts: { input: string; autoApprove?: boolean; chain?: string; visibilityUpdates?: string; idempotencyKey?: string }) => {
      const input = jsonObject('--input', opts.input)!;
      const options: Record<string, unknown> = {};
      if (opts.autoApprove) options.autoApprove = true;
      if (opts.chain) options.chain = { flowType: opts.chain };
      if (opts.visibilityUpdates) options.visibilityUpdates = opts.visibilityUpdates;
      const { body, headers } = await sentOnce(opts.idempotencyKey, (key) =>
        api().exchange('POST', '/flows', { body: { flowType, input, ...(Object.keys(options).length ? { options } : {}) }, headers: { 'idempotency-key': key } }),
      );
      out(body, () =>
        headers.get('idempotent-replayed') === 'true'
          ? `already started ${body.flowId} (${body.flowType}) under this --idempotency-key; nothing new was started`
          : `started ${body.flowId} (${body.flowType}, ${body.status})`,
      );
    });
  flows
    .command('list')
    .description("list the tenant's flows")
    .option('--type <flowType>', 'only this flow type')
    .option('--status <status>', 'only this status')
    .option('--limit <n>', 'at most this many')
    .action(async (opts: { type?: string; status?: string; limit?: string }) => {
      const body = await api().request('GET', '/flows', { query: { type: opts.type, status: opts.status, limit: opts.limit } });
      out(body, () => table<any>(body.flows, [['FLOW', (f) => f.flowId], ['TYPE', (f) => f.flowType], ['STATUS', (f) => f.status], ['PHASE', (f) => f.currentPhase], ['STARTED', (f) => f.startedAt], ['CLOSED', (f) => f.closedAt]]));
    });
  flows
    .command('show <flowId>')
    .description("a flow's status, current phase, pending request and phases")
    .action(async (flowId: string) => {
      const s = await api().request<FlowState>('GET', `/flows/${encodeURIComponent(flowId)}`);
      out(s, () =>
        [
          stateLine(s),
          '',
          table(s.phases, [['PHASE', (p) => p.name], ['STATUS', (p) => p.status], ['RUNS', (p) => p.runs], ['APPROVED BY', (p) => p.approvedBy], ['SUMMARY', (p) => p.error ?? p.summary]]),
        ].join('\n'),
      );
    });
  flows
    .command('watch <flowId>')
    .description('follow a flow, a line per change of status, phase or phases done, until it finishes (exit 0) or waits for a human (exit 3)')
    .option('--interval <ms>', 'poll interval in milliseconds', '1000')
    .action(async (flowId: string, opts: { interval: string }) => {
      const interval = Number(opts.interval);
      if (!Number.isFinite(interval) || interval < 50) throw new CliError('--interval must be a number of milliseconds (>= 50)', 2);
      const client = api();
      let last = '';
      for (;;) {
        const s = await client.request<FlowState>('GET', `/flows/${encodeURIComponent(flowId)}`);
        const progress = phaseProgress(s);
        // A line per change of status, phase or phases done, so a long phase shows up once, not once per poll.
        const now = `${s.status}|${s.currentPhase}|${progress.done}`;
        if (now !== last) {
          last = now;
          if (globals().json) console.log(JSON.stringify({ at: new Date().toISOString(), status: s.status, currentPhase: s.currentPhase, progress, pendingRequest: s.pendingRequest }));
          else console.log(`${new Date().toISOString()}  ${s.status.padEnd(17)}  ${(s.currentPhase ?? '-').padEnd(26)}  ${progress.done}/${progress.total} phases`);
        }
        if (FINISHED.has(s.status)) return;
        if (HUMAN_GATES.has(s.status)) {
          if (!globals().json) console.log(`waiting for a human: ${describePending(s.pendingRequest)}`);
          process.exitCode = 3;
          return;
        }
        await sleep(interval);
      }
    });

  type ControlOptions = { idempotencyKey?: string };
  const control = async (flowId: string, action: string, opts: ControlOptions, body: Record<string, unknown> = {}) => {
    const s = await sentOnce(opts.idempotencyKey, (key) => api().request<FlowState>('POST', `/flows/${encodeURIComponent(flowId)}/${action}`, { body, headers: { 'idempotency-key': key } }));
    out(s, () => `${action}: accepted\n${stateLine(s)}`);
  };
  /** A control command; the key makes it safe to run again (see sentOnce). */
  const controlCommand = (spec: string, description: string) =>
    flows.command(spec).description(description).option('--idempotency-key <key>', 'send the message under this id, so running the command again cannot apply it twice');
  for (const action of ['pause', 'resume', 'retry', 'skip'] as const) {
    controlCommand(`${action} <flowId>`, `send the ${action} control message`).action((flowId: string, opts: ControlOptions) => control(flowId, action, opts));
  }
  controlCommand('cancel <flowId>', 'cancel a flow')
    .option('--reason <text>', 'why')
    .action((flowId: string, opts: ControlOptions & { reason?: string }) => control(flowId, 'cancel', opts, { reason: opts.reason }));
  controlCommand('approve <flowId>', 'approve the pending gate')
    .option('--phase <phase>', 'the phase expected to be awaiting approval')
    .option('--comment <text>', 'a comment for the audit trail')
    .action((flowId: string, opts: ControlOptions & { phase?: string; comment?: string }) => control(flowId, 'approve', opts, { phase: opts.phase, comment: opts.comment }));
  controlCommand('reject <flowId>', 'reject the pending gate with feedback (the phase reruns)')
    .requiredOption('--feedback <text>', 'what to change')
    .option('--phase <phase>', 'the phase expected to be awaiting approval')
    .option('--changes <json>', 'structured changes as a JSON object')
    .action((flowId: string, opts: ControlOptions & { feedback: string; phase?: string; changes?: string }) =>
      control(flowId, 'reject', opts, { feedback: opts.feedback, phase: opts.phase, changes: jsonObject('--changes', opts.changes) }),
    );
  controlCommand('input <flowId>', 'answer a pending input request')
    .requiredOption('--data <json>', 'the answer as a JSON object')
    .option('--phase <phase>', 'the phase expected to be awaiting input')
    .action((flowId: string, opts: ControlOptions & { data: string; phase?: string }) => control(flowId, 'input', opts, { data: jsonObject('--data', opts.data), phase: opts.phase }));
  flows
    .command('audit <flowId>')
    .description("a flow's audit trail")
    .action(async (flowId: string) => {
      const body = await api().request('GET', `/flows/${encodeURIComponent(flowId)}/audit`);
      out(body, () => table<any>(body.entries, [['AT', (e) => e.at], ['KIND', (e) => e.kind], ['ACTION', (e) => e.action], ['ACTOR', (e) => e.actor], ['PHASE', (e) => e.phase], ['DETAIL', (e) => e.detail]]));
    });
  flows
    .command('artifact <flowId> <phase>')
    .description("a phase's latest artifact (JSON)")
    .action(async (flowId: string, phase: string) => {
      const body = await api().request('GET', `/flows/${encodeURIComponent(flowId)}/phases/${encodeURIComponent(phase)}/artifact`);
      console.log(JSON.stringify(body, null, 2));
    });

  program
    .command('usage')
    .description("the tenant's LLM calls, tokens and cost from the ledger")
    .addOption(new Option('--by <grouping>', 'group by').choices(['flow', 'phase', 'agent', 'model', 'outcome', 'day', 'month']).default('flow'))
    .option('--from <date>', 'from this ISO date or date-time (inclusive)')
    .option('--to <date>', 'up to this ISO date or date-time (exclusive)')
    .option('--flow <flowId>', 'only this flow')
    .action(async (opts: { by: string; from?: string; to?: string; flow?: string }) => {
      const query = new URLSearchParams({ groupBy: opts.by });
      if (opts.from) query.set('from', opts.from);
      if (opts.to) query.set('to', opts.to);
      if (opts.flow) query.set('flowId', opts.flow);
      const body = await api().request('GET', `/usage?${query}`);
      const usd = (n: number) => `$${n.toFixed(4)}`;
      out(body, () => {
        const rows = [...body.rows, { key: 'TOTAL', ...body.totals }];
        const budget = body.monthlyBudgetUsd === null ? 'no monthly budget' : `monthly budget $${body.monthlyBudgetUsd}`;
        return `${table<any>(rows, [
          [opts.by.toUpperCase(), (r) => r.key],
          ['CALLS', (r) => r.calls],
          ['BILLED', (r) => r.billedCalls],
          ['CACHED', (r) => r.cacheHits],
          ['FAILED', (r) => r.failedCalls],
          ['TOKENS IN', (r) => r.tokensIn],
          ['TOKENS OUT', (r) => r.tokensOut],
          ['COST', (r) => usd(r.costUsd)],
        ])}\n${budget}`;
      });
    });

  // administration (admin keys)
  const tenants = program.command('tenants').description('tenants (admin key)');
  tenants
    .command('create <id> <name>')
    .description('create a tenant')
    .action(async (id: string, name: string) => {
      const row = await api().request('POST', '/tenants', { body: { id, name } });
      out(row, () => `created tenant ${row.id} (${row.name})`);
    });
  tenants
    .command('list')
    .description('list tenants')
    .action(async () => {
      const body = await api().request('GET', '/tenants');
      out(body, () => table<any>(body.tenants, [['ID', (t) => t.id], ['NAME', (t) => t.name], ['BY', (t) => t.createdBy], ['CREATED', (t) => t.createdAt]]));
    });
  tenants
    .command('budget <id> <usd>')
    .description("set a tenant's monthly LLM budget in USD ('none' removes it)")
    .action(async (id: string, usd: string) => {
      const value = usd === 'none' ? null : Number(usd);
      if (value !== null && !(Number.isFinite(value) && value >= 0)) throw new CliError(`budget: '${usd}' is not a non-negative number or 'none'`, 2);
      const row = await api().request('PATCH', `/tenants/${encodeURIComponent(id)}`, { body: { llmMonthlyBudgetUsd: value } });
      out(row, () => `tenant ${row.id}: monthly LLM budget ${row.llmMonthlyBudgetUsd === null ? 'removed' : `$${row.llmMonthlyBudgetUsd}`}`);
    });
  const keys = program.command('keys').description('API keys (admin key)');
  keys
    .command('issue <tenantId> <name>')
    .description('issue an API key; it is printed once')
    .addOption(new Option('--role <role>', 'the key role').choices(['operator', 'viewer']).makeOptionMandatory())
    .action(async (tenantId: string, name: string, opts: { role: string }) => {
      const row = await api().request('POST', `/tenants/${encodeURIComponent(tenantId)}/keys`, { body: { name, role: opts.role } });
      out(row, () => `${fields([['key id', row.id], ['tenant', row.tenantId], ['name', row.name], ['role', row.role]])}\n\n${row.key}\n\n(store the key now: it is not shown again)`);
    });
  keys
    .command('list <tenantId>')
    .description("list a tenant's keys (never their secrets)")
    .action(async (tenantId: string) => {
      const body = await api().request('GET', `/tenants/${encodeURIComponent(tenantId)}/keys`);
      out(body, () => table<any>(body.keys, [['ID', (k) => k.id], ['NAME', (k) => k.name], ['ROLE', (k) => k.role], ['BY', (k) => k.createdBy], ['CREATED', (k) => k.createdAt], ['REVOKED', (k) => k.revokedAt]]));
    });
  keys
    .command('revoke <tenantId> <keyId>')
    .description('revoke a key')
    .action(async (tenantId: string, keyId: string) => {
      await api().request('DELETE', `/tenants/${encodeURIComponent(tenantId)}/keys/${encodeURIComponent(keyId)}`);
      out({ revoked: keyId }, () => `revoked ${keyId}`);
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.message);
      for (const line of err.lines) console.error(line);
      process.exitCode = err.exitCode;
      return;
    }
    console.error(`mfo: ${(err as Error)?.stack ?? err}`);
    process.exitCode = 1;
  }
}

void main();
