/**
 * A private redis-server for one test file: a free loopback port, no persistence
 * (--save '' --appendonly no), ready once it answers PING; stopped (or killed, to play an outage)
 * by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** A client for the test's own reads and writes. */
  readonly client: Redis;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on('error', () => {});
  const up = await until(async () => {
    try {
      if (client.status === 'wait') await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    }
  });
  if (!up) throw new Error(`redis-server did not answer on port ${port}`);
  let stopped = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      client.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    },
  };
}
