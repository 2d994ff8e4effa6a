import fs from 'node:fs';
import net from 'node:net';

/**
 * The lowest port the kernel hands out as a connection's source port (Linux's default range starts at 32768).
 * Ports are chosen below it: a test that stops a server and starts it again on the same port (the launcher, the
 * dev-server and PostgreSQL restarts) would otherwise find it taken in between by some outgoing connection's source
 * port, and the restarted server fails with "address already in use".
 */
function ephemeralRangeStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const LOWEST = 10_000;
const ATTEMPTS = 50;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port free right now on loopback, outside the ephemeral range; callers bind it soon after. */
export async function freePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free loopback port in ${LOWEST}–${highest} after ${ATTEMPTS} tries`);
}
