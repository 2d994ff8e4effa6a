/**
 * A loopback TCP proxy whose directions can be cut on demand, for fault suites: put it between the gateway and
 * Temporal, and a request can be made to never reach the server, or to reach it and never be answered, exactly
 * when the test decides. Cut bytes are dropped, not held, so a connection that was cut is never usable again.
 */
import net from 'node:net';

export type ProxyMode = 'forward' | 'drop-requests' | 'drop-responses';

export interface TcpProxy {
  /** host:port to connect to instead of the target. */
  address: string;
  mode: ProxyMode;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    track(client);
    track(upstream);
    client.on('data', (chunk) => proxy.mode !== 'drop-requests' && upstream.write(chunk));
    upstream.on('data', (chunk) => proxy.mode !== 'drop-responses' && client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: TcpProxy = {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    mode: 'forward',
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}
