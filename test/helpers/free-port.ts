/**
 * A free loopback TCP port, for programs that cannot listen on port 0 and report back (nginx).
 * The port is bound and released; another process could take it in between, which loopback
 * tests on one machine accept.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
