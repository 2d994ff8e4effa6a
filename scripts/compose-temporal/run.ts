/**
 * The Temporal half of docker-compose.temporal.yml, run without Docker: the same server release on PostgreSQL,
 * set up by the compose file's own jobs. For checking those jobs and the server settings on a machine with no
 * Docker engine, and for measuring the platform against a PostgreSQL-backed server instead of the dev server's
 * SQLite (`npm run bench -- --temporal-address …`).
 *
 *   npm run compose:temporal -- --dir /tmp/mfo-compose [--pg-port 55432]
 *
 * What it does, in compose's order, each from the compose file itself:
 * - builds `temporal-server` and `temporal-sql-tool` of the `temporal` service's image tag from the Go module
 *   proxy (`go install go.temporal.io/server/...@v<tag>`, cached under .tools/), and render-config.go;
 * - starts a throwaway PostgreSQL with the `postgresql` service's account and database;
 * - runs the `temporal-schema` job's script with its environment (hosts mapped to this machine, the image's
 *   /etc/temporal/schema to the module's schema directory);
 * - renders the server image's config template with the `temporal` service's environment and starts the server;
 * - runs the `temporal-admin-tools` job's script with its environment and this project's `temporal` CLI.
 * It then prints the addresses and process ids and runs until interrupted, when it stops everything it started.
 * Needs Go and the Go module proxy (or a warm module cache) the first time.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PG_THROWAWAY, postmasterPid } from '../pg-throwaway';
import { PROJECT_ROOT, requireTemporalCli } from '../temporal-cli';
import { COMPOSE_FILE, environmentOf, jobScript, readComposeFile, type ComposeService } from './compose-file';

/** Where the compose file's hosts are, here. */
const HOST = '127.0.0.1';

function service(compose: { services: Record<string, ComposeService> }, name: string): ComposeService {
  const s = compose.services[name];
  if (!s) throw new Error(`${COMPOSE_FILE} has no service ${name}`);
  return s;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  const result = spawnSync(command, args, { env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}

/** The host file bound to `containerPath` by one of the service's `./host:container[:ro]` volumes. */
function boundFile(s: ComposeService, containerPath: string): string {
  for (const volume of s.volumes ?? []) {
    const [host, container] = volume.split(':');
    if (container === containerPath && host.startsWith('.')) return path.resolve(path.dirname(COMPOSE_FILE), host);
  }
  throw new Error(`no volume of the service binds a file of this checkout to ${containerPath}`);
}

/** temporal-server, temporal-sql-tool and the template renderer for `version`, built once into .tools/. */
function buildServer(version: string): { bin: string; moduleDir: string } {
  const bin = path.join(PROJECT_ROOT, '.tools', `temporal-server-${version}`);
  const env = { ...process.env, GOBIN: bin };
  for (const [pkg, name] of [
    ['cmd/server', 'server'],
    ['cmd/tools/sql', 'sql'],
  ]) {
    if (fs.existsSync(path.join(bin, name))) continue;
    console.log(`building ${pkg} of go.temporal.io/server v${version} (once; several minutes)…`);
    run('go', ['install', `go.temporal.io/server/${pkg}@v${version}`], env, `go install ${pkg}`);
  }
  const render = path.join(bin, 'render-config');
  if (!fs.existsSync(render)) run('go', ['build', '-o', render, path.join(__dirname, 'render-config.go')], env, 'building render-config');
  const moduleDir = path.join(execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(), `go.temporal.io/server@v${version}`);
  if (!fs.existsSync(moduleDir)) run('go', ['mod', 'download', `go.temporal.io/server@v${version}`], env, 'downloading the server module');
  return { bin, moduleDir };
}

async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, HOST);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, 'pg-port': { type: 'string', default: '55432' } } });
  if (!values.dir) throw new Error('--dir DIR is required: the PostgreSQL data and the server config go there');
  const dir = path.resolve(values.dir);
  const pgPort = values['pg-port']!;
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755); // the throwaway cluster runs as the postgres user when we are root

  const compose = readComposeFile();
  const temporal = service(compose, 'temporal');
  const version = /^temporalio\/server:(\d+\.\d+\.\d+)$/.exec(temporal.image ?? '')?.[1];
  if (!version) throw new Error(`the temporal service's image is not temporalio/server:<x.y.z>: ${temporal.image}`);
  const { bin, moduleDir } = buildServer(version);
  const cli = requireTemporalCli();

  // The server listens on the compose file's ports (7233 and its internal ones); a health check would otherwise
  // be answered by whatever holds 7233, e.g. the dev server of `npm start`.
  if (await listening(7233)) throw new Error(`something already listens on ${HOST}:7233 (a dev server of npm start?): stop it first`);

  let server: ChildProcess | undefined;
  const pgDir = path.join(dir, 'pg');
  const stop = () => {
    server?.kill('SIGTERM');
    spawnSync(PG_THROWAWAY, ['stop', pgDir], { stdio: 'inherit' });
  };
  try {
    // The postgresql service: its superuser and database.
    const pg = environmentOf(service(compose, 'postgresql'));
    const adminUrl = execFileSync(PG_THROWAWAY, ['start', pgDir, pgPort], { encoding: 'utf8' }).trim();
    run('psql', [adminUrl, '-qc', `CREATE ROLE "${pg.POSTGRES_USER}" LOGIN SUPERUSER PASSWORD '${pg.POSTGRES_PASSWORD}'`], process.env, 'creating the role');
    run('psql', [adminUrl, '-qc', `CREATE DATABASE "${pg.POSTGRES_DB}" OWNER "${pg.POSTGRES_USER}"`], process.env, 'creating the database');

    // The temporal-schema job: temporal-sql-tool as `temporal-sql-tool` on PATH, the image's schema directory here.
    const schemaJob = service(compose, 'temporal-schema');
    const toolDir = path.join(dir, 'bin');
    fs.mkdirSync(toolDir, { recursive: true });
    fs.rmSync(path.join(toolDir, 'temporal-sql-tool'), { force: true });
    fs.symlinkSync(path.join(bin, 'sql'), path.join(toolDir, 'temporal-sql-tool'));
    const schemaScript = jobScript(schemaJob).replaceAll('/etc/temporal/schema', path.join(moduleDir, 'schema'));
    const schemaEnv = { ...environmentOf(schemaJob), SQL_HOST: HOST, SQL_PORT: pgPort };
    console.log('temporal-schema…');
    run('sh', ['-c', schemaScript], { PATH: `${toolDir}:${process.env.PATH}`, ...schemaEnv }, 'the temporal-schema job');

    // The temporal service: the image's config template rendered with its environment; PPROF_PORT added for
    // profiling. Its dynamic config is the file the service mounts (else the image's own, which is empty).
    const composeServerEnv = environmentOf(temporal);
    const dynamicConfig = composeServerEnv.DYNAMIC_CONFIG_FILE_PATH
      ? boundFile(temporal, composeServerEnv.DYNAMIC_CONFIG_FILE_PATH)
      : path.join(moduleDir, 'config/dynamicconfig/docker.yaml');
    run(path.join(bin, 'server'), ['validate-dynamic-config', dynamicConfig], process.env, `validating ${dynamicConfig}`);
    const serverEnv = { ...composeServerEnv, POSTGRES_SEEDS: HOST, DB_PORT: pgPort, BIND_ON_IP: HOST, PPROF_PORT: '7936', DYNAMIC_CONFIG_FILE_PATH: dynamicConfig };
    const configDir = path.join(dir, 'config');
    fs.mkdirSync(configDir, { recursive: true });
    const rendered = execFileSync(path.join(bin, 'render-config'), [path.join(moduleDir, 'docker/config_template.yaml')], { env: serverEnv, encoding: 'utf8' });
    fs.writeFileSync(path.join(configDir, 'docker.yaml'), rendered);
    const serverLog = fs.openSync(path.join(dir, 'temporal-server.log'), 'a');
    const started = spawn(path.join(bin, 'server'), ['--root', dir, '--config', 'config', '--env', 'docker', 'start'], { stdio: ['ignore', serverLog, serverLog] });
    server = started;
    const address = `${HOST}:7233`;
    console.log(`temporal-server ${version} starting (log: ${path.join(dir, 'temporal-server.log')})…`);
    const serving = () => {
      if (started.exitCode !== null) throw new Error(`temporal-server exited (${started.exitCode}); see ${path.join(dir, 'temporal-server.log')}`);
      return spawnSync(cli, ['operator', 'cluster', 'health', '--address', address], { encoding: 'utf8' }).stdout?.includes('SERVING') ?? false;
    };
    await waitFor(serving, 'the Temporal server', 120_000);

    // The temporal-admin-tools job: the namespace and the search attributes.
    const adminJob = service(compose, 'temporal-admin-tools');
    console.log('temporal-admin-tools…');
    run('sh', ['-c', jobScript(adminJob)], { PATH: `${path.dirname(cli)}:${process.env.PATH}`, ...environmentOf(adminJob), TEMPORAL_ADDRESS: address }, 'the temporal-admin-tools job');

    const postmaster = postmasterPid(pgDir);
    console.log(`\nready: TEMPORAL_ADDRESS=${address}  namespace ${environmentOf(adminJob).TEMPORAL_NAMESPACE}`);
    console.log(`  platform database: postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@${HOST}:${pgPort}/${pg.POSTGRES_DB}`);
    console.log(`  pids: temporal-server ${started.pid}, postgresql ${postmaster}   (bench: --count-pid temporal=${started.pid} --count-pid temporal-db=${postmaster})`);
    console.log('  Ctrl-C stops the server and deletes the database.');
    await new Promise<void>((resolve, reject) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
      started.once('exit', (code) => reject(new Error(`temporal-server exited (${code}); see its log`)));
    });
  } finally {
    stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
