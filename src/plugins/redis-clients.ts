/**
 * One ioredis client per Redis URL and command timeout in this process, shared by the plugins
 * that name them (rate-limit counters, PHP sessions): made when a config that names it is built,
 * connected by its first command, closed when the gateway stops. Set up to fail fast: a command
 * that gets no answer within the caller's bound fails instead of queueing, and while the
 * connection is down commands fail at once (no offline queue once it has been up), so a Redis
 * outage costs a request a few ms, never a hang. Commands issued in the same tick are written as
 * one pipeline. ioredis itself is loaded by the first client made, so a worker whose config
 * names no Redis never loads it (it is the largest package a worker could carry).
 */
import type { Redis } from 'ioredis';

const clients = new Map<string, Promise<Redis>>();
let ioredis: Promise<{ Redis: typeof Redis }> | undefined;

export function redisClient(url: string, commandTimeoutMs: number): Promise<Redis> {
  // One per URL and timeout: the timeout is the client's, and each caller keeps its own.
  const id = `${commandTimeoutMs} ${url}`;
  const known = clients.get(id);
  if (known !== undefined) return known;
  const made: Promise<Redis> = (ioredis ??= import('ioredis')).then(({ Redis }) => {
    const client = new Redis(url, {
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 0,
      // Reconnect with a short, bounded pause: the store is back as soon as Redis is.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      // Connected by the first command: a config that is only checked (validate, the primary of
      // several workers) opens nothing that would keep the process alive.
      lazyConnect: true,
      enableAutoPipelining: true,
    });
    // Errors are reported by the commands that fail; the client's own event would be unhandled.
    client.on('error', () => {});
    // A client that has ended for good is replaced by the next caller.
    client.once('end', () => {
      if (clients.get(id) === made) clients.delete(id);
    });
    return client;
  });
  clients.set(id, made);
  return made;
}

/** Whether a command sent now could be answered: up, not connected yet, or making its first connection. */
export function redisUsable(client: Redis): boolean {
  return client.status === 'ready' || client.status === 'wait' || client.status === 'connecting' || client.status === 'connect';
}

/** Closes every client (the gateway stops). */
export async function closeRedisClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((made) => made.then((c) => c.quit().catch(() => c.disconnect()))));
}
