/**
 * docker-compose.temporal.yml cannot be run here (no Docker engine in CI), so its wiring is checked statically:
 * services and published ports, the environment of gateway and worker against config/index.ts, the hosts in
 * TEMPORAL_ADDRESS / DATABASE_URL against the service names, and the search attributes against the workflow code.
 */
import { generateKeySpec } from '../../security/payload-codec';
import fs from 'node:fs';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { loadConfig } from '../../config';
import { FLOW_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

// js-yaml is present through jest (not a direct dependency) and ships no types; safeLoad resolves `<<` merge keys.
const yaml = require('js-yaml') as { safeLoad(text: string): unknown };

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[] };
}

const root = path.resolve(__dirname, '../..');
const compose = yaml.safeLoad(fs.readFileSync(path.join(root, 'docker-compose.temporal.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const services = compose.services;

function service(name: string): Service {
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

  test.each(APP_SERVICES)('%s: runs its npm script from the Dockerfile image against the compose services', (name) => {
    const s = service(name);
    expect(s.build).toBeDefined();
    const command = Array.isArray(s.command) ? s.command.join(' ') : s.command;
    expect(command).toBe(`npm run ${name}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts[name]).toBeDefined();

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
    expect(envOf('temporal').DEFAULT_NAMESPACE).toBe(envOf('gateway').TEMPORAL_NAMESPACE);
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

  test('Temporal stores in the postgresql service, which has a health check and a volume', () => {
    expect(envOf('temporal').POSTGRES_SEEDS).toBe('postgresql');
    expect(envOf('temporal').DB).toMatch(/^postgres12/);
    const pg = service('postgresql');
    expect(JSON.stringify(pg.healthcheck?.test)).toContain('pg_isready');
    expect((pg as { volumes?: string[] }).volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    // The platform's database user is the server's superuser, as DATABASE_URL says.
    const url = new URL(envOf('gateway').DATABASE_URL);
    expect(url.username).toBe(envOf('postgresql').POSTGRES_USER);
    expect(url.password).toBe(envOf('postgresql').POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${envOf('postgresql').POSTGRES_DB}`);
  });
});
