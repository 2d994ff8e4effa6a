/**
 * docker-compose.temporal.yml cannot be run here (no Docker engine in CI), so its wiring is checked statically:
 * services and published ports, the environment of gateway and worker against config/index.ts (both ways), the
 * hosts in TEMPORAL_ADDRESS / DATABASE_URL against the service names, the Web UI's codec wiring, health checks, and
 * the search attributes against the workflow code.
 */
import { generateKeySpec } from '../../security/payload-codec';
import fs from 'node:fs';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { loadConfig } from '../../config';
import { parse as parseYaml } from 'yaml';
import { readComposeFile, type ComposeService } from '../../scripts/compose-temporal/compose-file';
import { PROJECT_ROOT as root } from '../../scripts/temporal-cli';
import { FLOW_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const services = readComposeFile().services;

function service(name: string): ComposeService {
  const s = services[name];
  if (!s) throw new Error(`service ${name} is missing from docker-compose.temporal.yml`);
  return s;
}

/** What a user supplies from the shell or .env (the file requires them with `${VAR:?...}`). */
const SHELL: Record<string, string> = { MFO_ADMIN_KEY: 'k'.repeat(64), MFO_PAYLOAD_KEYS: generateKeySpec('k1') };

/** Compose interpolation: `$$`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name, colon, op, arg) => {
    if (match === '$$') return '$';
    const v = vars[name];
    const missing = v === undefined || (colon === ':' && v === '');
    if (!missing) return v!;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg : '';
  });
}

/** `environment:` as a map (compose accepts a map or a list of KEY=VALUE), interpolated with `vars`. */
function envOf(name: string, vars: Record<string, string | undefined> = SHELL): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])
    : Object.entries(env).map(([k, v]) => [k, String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v, vars)]));
}

/** Container ports published to the host, by host port: "8233:8080" → {8233: 8080}. */
function publishedPorts(name: string): Map<number, number> {
  return new Map(
    (service(name).ports ?? []).map((p) => {
      const parts = String(p).split(':').map(Number);
      return [parts[parts.length - 2], parts[parts.length - 1]] as [number, number];
    }),
  );
}

function dependsOn(name: string): string[] {
  const d = service(name).depends_on ?? [];
  return Array.isArray(d) ? d : Object.keys(d);
}

/** Variables that config/index.ts does not know: zod strips unknown keys, so they are absent from loadConfig's result. */
function unknownVariables(env: Record<string, string>): string[] {
  const config = loadConfig(env) as unknown as Record<string, unknown>;
  return Object.keys(env).filter((k) => k === 'dataDir' || !(k in config));
}

const APP_SERVICES = ['gateway', 'worker'];

/** Every variable config/index.ts reads, observed by handing loadConfig an environment that records each lookup. */
function configVariables(): string[] {
  const read = new Set<string>();
  const recorder = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  loadConfig(recorder);
  return [...read].sort();
}

/** Where compose must set each variable config reads (unless it is in DEFAULTED). */
const SET_IN: Record<string, 'both' | 'gateway' | 'worker'> = {
  TEMPORAL_ADDRESS: 'both',
  TEMPORAL_NAMESPACE: 'both',
  TEMPORAL_TASK_QUEUE: 'both',
  DATABASE_URL: 'both',
  LOG_LEVEL: 'both',
  MFO_FAULT_INJECTION: 'both',
  MFO_PAYLOAD_KEYS: 'both',
  HOST: 'gateway',
  PORT: 'gateway',
  MFO_ADMIN_KEY: 'gateway',
  MFO_CODEC_ORIGINS: 'gateway',
  MFO_CODEC_REQUIRE_KEY: 'gateway',
  MFO_MAX_UPLOAD_MB: 'gateway',
  OPENAI_API_KEY: 'worker',
  OPENAI_BASE_URL: 'worker',
  MFO_LLM_MODEL: 'worker',
  MFO_LLM_AGENT_MODELS: 'worker',
  MFO_AGENT_REQUESTS_PER_MINUTE: 'worker',
  MFO_WORKER_METRICS_ADDRESS: 'worker',
  MFO_MAX_CACHED_WORKFLOWS: 'worker',
};

/** Read by config but left to their defaults in compose on purpose, each with the reason. */
const DEFAULTED: Record<string, string> = {
  MFO_DATA_DIR: 'only PGlite and the launcher write there, and DATABASE_URL is set',
  TEMPORAL_CLI_PATH: "the launcher's dev server only; compose runs a real Temporal",
  TEMPORAL_DEV_PORT: "the launcher's dev server only",
  TEMPORAL_UI_PORT: "the launcher's dev server only",
  MFO_RATE_LIMIT_PER_MINUTE: 'the default per-key guard (1200/min) fits a local stack',
  MFO_LLM_PRICES: 'the built-in list-price table; add prices only for unlisted models',
  MFO_LLM_TIMEOUT_MS: 'tuning: the default suits hosted models',
  MFO_LLM_RETRY_AFTER_CAP_SECONDS: 'tuning: the default cap is the documented one',
  MFO_LLM_MAX_OUTPUT_TOKENS: 'tuning',
  MFO_LLM_MAX_TOOL_ROUNDS: 'tuning',
  MFO_WORKFLOW_BUNDLE: 'the worker bundles the workflow code at start',
  MFO_CONTROL_TIMEOUT_MS: 'tuning: the default wait for a flow to act on a control message',
  MFO_TEMPORAL_TIMEOUT_MS: 'tuning: the default wait for Temporal to answer a read or confirm a start',
  MFO_API_KEY_CACHE_SECONDS: 'the default (5 s) bounds how long a key revoked through another gateway still works; 0 only where that must be immediate',
  MFO_VISIBILITY_UPDATES: 'every phase boundary, so CurrentPhase is current for operators; status_changes only where visibility writes must be fewer',
  MFO_START_KEY_RETENTION_HOURS: 'the default retention of start keys (24 h) suits any deployment; longer only for clients that retry a day later',
};

/** Variables SET_IN requires in a service but missing from it, as "service: NAME". */
function missingVariables(envs: Record<string, Record<string, string>>): string[] {
  return Object.entries(SET_IN).flatMap(([name, where]) =>
    APP_SERVICES.filter((service) => (where === 'both' || where === service) && !(name in envs[service])).map((service) => `${service}: ${name}`),
  );
}

const appEnvs = () => Object.fromEntries(APP_SERVICES.map((n) => [n, envOf(n)]));

/** Services others wait for to exit successfully: one-shot jobs, not long-running processes. */
function oneShotJobs(): Set<string> {
  return new Set(
    Object.values(services).flatMap((s) =>
      Array.isArray(s.depends_on) ? [] : Object.entries(s.depends_on ?? {}).filter(([, d]) => d.condition === 'service_completed_successfully').map(([n]) => n),
    ),
  );
}

const healthcheckText = (name: string) => {
  const check = service(name).healthcheck?.test;
  return Array.isArray(check) ? check.join(' ') : (check ?? '');
};

describe('docker-compose.temporal.yml', () => {
  test('has the five services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'gateway', 'worker']));
  });

  test('publishes Temporal on 7233, the Web UI on 8233 and the gateway on 8080', () => {
    expect(publishedPorts('temporal').get(7233)).toBe(7233);
    expect(publishedPorts('temporal-ui').get(8233)).toBe(8080); // the UI container listens on 8080
    const gatewayPort = Number(envOf('gateway').PORT);
    expect(publishedPorts('gateway').get(8080)).toBe(gatewayPort);
  });

  test.each(APP_SERVICES)('%s: every variable is one config/index.ts reads, with a valid value', (name) => {
    const env = envOf(name);
    expect(Object.keys(env).length).toBeGreaterThan(0);
    expect(unknownVariables(env)).toEqual([]);
    const config = loadConfig(env) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(env)) {
      const parsed = config[key];
      // An empty value means "not set" (e.g. OPENAI_API_KEY when the host has none): parsed as absent or empty.
      if (value === '') expect(parsed === undefined || (typeof parsed === 'object' && Object.keys(parsed as object).length === 0)).toBe(true);
      else if (typeof parsed !== 'object') expect(String(parsed)).toBe(value);
    }
  });

  test('the variable check catches a misspelt name', () => {
    expect(unknownVariables({ ...envOf('gateway'), TEMPORAL_ADRESS: 'temporal:7233' })).toEqual(['TEMPORAL_ADRESS']);
  });

  test('every variable config/index.ts reads is set where it is used, or deliberately left to its default', () => {
    const read = configVariables();
    expect(read).toContain('MFO_AGENT_REQUESTS_PER_MINUTE'); // the recorder sees the schema
    // Each variable is classified exactly once, so a new one in config/index.ts fails here until it is placed.
    expect(Object.keys(SET_IN).filter((k) => k in DEFAULTED)).toEqual([]);
    expect([...Object.keys(SET_IN), ...Object.keys(DEFAULTED)].sort()).toEqual(read);
    const envs = appEnvs();
    expect(missingVariables(envs)).toEqual([]);
    // A defaulted variable set anyway means the list above is out of date.
    expect(APP_SERVICES.flatMap((n) => Object.keys(DEFAULTED).filter((k) => k in envs[n]).map((k) => `${n}: ${k}`))).toEqual([]);
  });

  test('the check catches a variable dropped from the worker', () => {
    const envs = appEnvs();
    const { OPENAI_BASE_URL: _url, MFO_AGENT_REQUESTS_PER_MINUTE: _rpm, ...worker } = envs.worker;
    expect(missingVariables({ ...envs, worker })).toEqual(['worker: OPENAI_BASE_URL', 'worker: MFO_AGENT_REQUESTS_PER_MINUTE']);
  });

  test.each(APP_SERVICES)('%s: runs its compiled entry from the Dockerfile image against the compose services', (name) => {
    const s = service(name);
    expect(s.build).toBeDefined();
    const command = Array.isArray(s.command) ? s.command.join(' ') : s.command;
    expect(command).toBe(`npm run start:${name}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // The compiled form of the entry `npm run ${name}` runs from source, and the image builds it.
    const source = /^tsx (\S+)\.ts$/.exec(pkg.scripts[name])![1];
    expect(pkg.scripts[`start:${name}`]).toBe(`node dist/${source}.js`);
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/^RUN npm run build$/m);

    const env = envOf(name);
    expect(new URL(env.DATABASE_URL).hostname).toBe('postgresql');
    expect(env.TEMPORAL_ADDRESS.split(':')[0]).toBe('temporal');
    expect(env.TEMPORAL_ADDRESS.split(':')[1]).toBe('7233');
    expect(dependsOn(name)).toEqual(expect.arrayContaining(['postgresql', 'temporal']));
  });

  test('the gateway requires the bootstrap admin key and both processes the payload key ring from the shell', () => {
    expect(() => envOf('gateway', { MFO_PAYLOAD_KEYS: SHELL.MFO_PAYLOAD_KEYS })).toThrow(/MFO_ADMIN_KEY/);
    expect(envOf('gateway').MFO_ADMIN_KEY).toBe(SHELL.MFO_ADMIN_KEY);
    expect(() => envOf('worker', { MFO_ADMIN_KEY: SHELL.MFO_ADMIN_KEY })).toThrow(/MFO_PAYLOAD_KEYS/);
    expect(envOf('worker').MFO_PAYLOAD_KEYS).toBe(SHELL.MFO_PAYLOAD_KEYS);
  });

  test('gateway listens outside its container and is health-checked on /healthz', () => {
    const env = envOf('gateway');
    expect(env.HOST).toBe('0.0.0.0');
    const check = service('gateway').healthcheck?.test;
    expect(Array.isArray(check) ? check.join(' ') : check).toContain(`:${env.PORT}/healthz`);
  });

  test('gateway and worker agree on namespace and task queue', () => {
    const [gateway, worker] = APP_SERVICES.map((n) => envOf(n));
    expect(worker.TEMPORAL_NAMESPACE).toBe(gateway.TEMPORAL_NAMESPACE);
    expect(worker.TEMPORAL_TASK_QUEUE).toBe(gateway.TEMPORAL_TASK_QUEUE);
    expect(worker.DATABASE_URL).toBe(gateway.DATABASE_URL);
  });

  test('the search attributes of the workflow code are registered as Keyword on the flows namespace', () => {
    const setupName = Object.keys(services).find((n) => /search-attribute create/.test(JSON.stringify(services[n].command ?? '')));
    expect(setupName).toBeDefined();
    const setup = service(setupName!);
    const env = envOf(setupName!);
    const script = ([] as string[]).concat(setup.command ?? []).join('\n');

    expect(FLOW_SEARCH_ATTRIBUTES.every((k) => k.type === SearchAttributeType.KEYWORD)).toBe(true);
    expect(env.SEARCH_ATTRIBUTES.split(/\s+/).sort()).toEqual(FLOW_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    expect(script).toMatch(/for name in \$\$SEARCH_ATTRIBUTES/);
    expect(script).toMatch(/search-attribute create [^\n]*\\?\n?\s*--name "\$\$name" --type Keyword/);

    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.TEMPORAL_NAMESPACE).toBe(envOf('gateway').TEMPORAL_NAMESPACE);
    // The plain server image creates no namespace: the job does, before registering attributes on it.
    expect(script).toMatch(/namespace create [^\n]*--namespace "\$\$TEMPORAL_NAMESPACE" --retention "\$\$NAMESPACE_RETENTION"/);
    expect(script.indexOf('namespace create')).toBeLessThan(script.indexOf('search-attribute create'));
    expect(dependsOn(setupName!)).toContain('temporal');
    for (const name of APP_SERVICES) {
      const deps = service(name).depends_on as Record<string, { condition?: string }>;
      expect(deps[setupName!]?.condition).toBe('service_completed_successfully');
    }
  });

  test('the Web UI points at the temporal service', () => {
    expect(envOf('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(dependsOn('temporal-ui')).toContain('temporal');
  });

  test("the Web UI's codec endpoint is the gateway as the browser reaches it, and the gateway lets the UI decode", () => {
    const ui = envOf('temporal-ui');
    const gateway = loadConfig(envOf('gateway'));
    const endpoint = new URL(ui.TEMPORAL_CODEC_ENDPOINT);
    expect(endpoint.pathname).toBe('/codec');
    // The browser calls the gateway on the host: the endpoint's port is the one published for the gateway's PORT.
    const gatewayHostPort = [...publishedPorts('gateway')].find(([, container]) => container === gateway.PORT)?.[0];
    expect(Number(endpoint.port)).toBe(gatewayHostPort);
    // CORS: the UI's origin, on the same host name and its published port, may call /codec.
    const uiHostPort = [...publishedPorts('temporal-ui')].find(([, container]) => container === 8080)?.[0];
    expect(gateway.MFO_CODEC_ORIGINS).toContain(`${endpoint.protocol}//${endpoint.hostname}:${uiHostPort}`);
    // The UI sends no API key unless it passes a signed-in user's token; without one the gateway must not demand a key.
    if (ui.TEMPORAL_CODEC_PASS_ACCESS_TOKEN !== 'true') expect(gateway.MFO_CODEC_REQUIRE_KEY).toBe(false);
  });

  test('with keyless decoding, every published port is bound to the host loopback only', () => {
    if (loadConfig(envOf('gateway')).MFO_CODEC_REQUIRE_KEY) return;
    const exposed = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).filter((p) => !String(p).startsWith('127.0.0.1:')).map((p) => `${name}: ${p}`));
    expect(exposed).toEqual([]);
  });

  test('every long-running service has a health check; the worker is checked on its metrics port', () => {
    const jobs = oneShotJobs();
    expect([...jobs].sort()).toEqual(['temporal-admin-tools', 'temporal-schema']);
    const unchecked = Object.keys(services).filter((n) => !jobs.has(n) && !healthcheckText(n));
    expect(unchecked).toEqual([]);
    expect(healthcheckText('worker')).toContain(`:${envOf('worker').MFO_WORKER_METRICS_ADDRESS.split(':')[1]}/metrics`);
    expect(healthcheckText('temporal-ui')).toContain(':8080/healthz');
  });

  test("Temporal's schema is set up by temporal-sql-tool before the plain server image starts", () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect((temporal.depends_on as Record<string, { condition?: string }>)['temporal-schema']?.condition).toBe('service_completed_successfully');
    const job = envOf('temporal-schema');
    const server = envOf('temporal');
    expect([job.SQL_PLUGIN, job.SQL_HOST, job.SQL_PORT, job.SQL_USER, job.SQL_PASSWORD]).toEqual([server.DB, server.POSTGRES_SEEDS, server.DB_PORT, server.POSTGRES_USER, server.POSTGRES_PWD]);
    // The same release for the tool and the server, so the schema is the one the server expects.
    expect(service('temporal-schema').image).toMatch(new RegExp(`^temporalio/admin-tools:${temporal.image!.split(':')[1].replace(/\./g, '\\.')}\\b`));
    const script = ([] as string[]).concat(service('temporal-schema').command ?? []).join('\n');
    expect(script).toContain('for pair in temporal:temporal temporal_visibility:visibility');
    expect(script).toMatch(/setup-schema -v 0\.0/);
    expect(script).toMatch(/update-schema -d "\$\$schema\/\$\$dir\/versioned"/);
    expect(script).toContain('schema=/etc/temporal/schema/postgresql/v12');
  });

  test('Temporal stores in the postgresql service, which has a health check and a volume', () => {
    expect(envOf('temporal').POSTGRES_SEEDS).toBe('postgresql');
    expect(envOf('temporal').DB).toMatch(/^postgres12/);
    const pg = service('postgresql');
    expect(JSON.stringify(pg.healthcheck?.test)).toContain('pg_isready');
    expect(pg.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    // The platform's database user is the server's superuser, as DATABASE_URL says.
    const url = new URL(envOf('gateway').DATABASE_URL);
    expect(url.username).toBe(envOf('postgresql').POSTGRES_USER);
    expect(url.password).toBe(envOf('postgresql').POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${envOf('postgresql').POSTGRES_DB}`);
  });

  test('the server runs with eager activity execution on, from a dynamic config file of this checkout', () => {
    // Off by default in the server image; every phase is an activity on the flow's own queue and counts on it.
    const containerPath = envOf('temporal').DYNAMIC_CONFIG_FILE_PATH;
    const volume = service('temporal').volumes?.find((v) => v.split(':')[1] === containerPath);
    expect(volume).toMatch(/^\.\/[^:]+:[^:]+:ro$/);
    const dynamicConfig = parseYaml(fs.readFileSync(path.join(root, volume!.split(':')[0]), 'utf8')) as Record<string, { value: unknown }[]>;
    expect(dynamicConfig['system.enableActivityEagerExecution']).toEqual([{ value: true }]);
  });
});
