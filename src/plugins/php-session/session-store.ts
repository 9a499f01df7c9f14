/**
 * Where php-fpm keeps sessions, read the way PHP writes them: `files:<save_path>` (ext/session's
 * files handler, one `sess_<id>` file per session) or `redis://host:port` (phpredis's handler,
 * the session under `PHPREDIS_SESSION:<id>` by default). Reads are bounded: a session larger
 * than `maxSize` is not read whole (an error saying so), and a Redis read that takes longer than
 * the timeout fails. A session that does not exist is `undefined`.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { redisClient, redisUsable } from '../redis-clients.js';
import { redactedUrl } from '../rate-limit/redis-store.js';

export class SessionReadError extends Error {
  override readonly name = 'SessionReadError';
}

export interface SessionStore {
  /** The session's bytes; undefined when there is none. `id` has passed SESSION_ID. */
  read(id: string): Promise<Buffer | undefined>;
}

export class FilesStore implements SessionStore {
  readonly #dir: string;
  readonly #maxSize: number;

  constructor(dir: string, maxSize: number) {
    this.#dir = dir;
    this.#maxSize = maxSize;
  }

  async read(id: string): Promise<Buffer | undefined> {
    let handle;
    try {
      handle = await open(join(this.#dir, `sess_${id}`), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SessionReadError(`cannot open the session file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      const buffer = Buffer.alloc(this.#maxSize + 1);
      let size = 0;
      while (size < buffer.length) {
        const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
        if (bytesRead === 0) break;
        size += bytesRead;
      }
      if (size > this.#maxSize) throw new SessionReadError(`the session is larger than ${this.#maxSize} bytes`);
      // PHP writes nothing for a session without variables (and a destroyed one is unlinked).
      return size === 0 ? undefined : buffer.subarray(0, size);
    } finally {
      await handle.close();
    }
  }
}

// A session larger than ARGV[1] bytes answers its length instead of its bytes: never sent whole.
const SESSION_GET = `
local n = redis.call('STRLEN', KEYS[1])
if n > tonumber(ARGV[1]) then return n end
return redis.call('GET', KEYS[1])
`;
type SessionGet = (key: string, max: string) => Promise<Buffer | number | null>;

export class RedisSessionStore implements SessionStore {
  readonly #client: Promise<Redis>;
  readonly #url: string;
  readonly #prefix: string;
  readonly #maxSize: number;

  constructor(url: string, prefix: string, maxSize: number, timeoutMs: number) {
    this.#url = url;
    this.#client = redisClient(url, timeoutMs).then((client) => {
      if (typeof (client as unknown as { switchyardSessionGet?: unknown }).switchyardSessionGet !== 'function') {
        client.defineCommand('switchyardSessionGet', { numberOfKeys: 1, lua: SESSION_GET });
      }
      return client;
    });
    this.#prefix = prefix;
    this.#maxSize = maxSize;
  }

  async read(id: string): Promise<Buffer | undefined> {
    const client = await this.#client;
    if (!redisUsable(client)) throw new SessionReadError(`redis at ${redactedUrl(this.#url)} is not connected (${client.status})`);
    let reply: Buffer | number | null;
    try {
      reply = await (client as unknown as { switchyardSessionGetBuffer: SessionGet }).switchyardSessionGetBuffer(this.#prefix + id, String(this.#maxSize));
    } catch (err) {
      throw new SessionReadError(`redis at ${redactedUrl(this.#url)} failed: ${(err as Error).message}`);
    }
    if (typeof reply === 'number') throw new SessionReadError(`the session is ${reply} bytes, larger than ${this.#maxSize}`);
    return reply === null || reply.length === 0 ? undefined : reply;
  }
}
