import net from 'node:net';
import { startDevServer } from '../../scripts/dev-server';

test('the dev server refuses a port something else listens on, instead of taking that server for its own', async () => {
  const occupant = net.createServer();
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  const port = (occupant.address() as net.AddressInfo).port;
  try {
    // The check comes before the CLI is spawned, so no CLI is needed: a spawned one would fail differently.
    await expect(startDevServer({ cliPath: '/nonexistent/temporal', port, uiPort: null, namespace: 'default', dbFile: null })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use (another Temporal server?)`,
    );
  } finally {
    await new Promise((resolve) => occupant.close(resolve));
  }
});
