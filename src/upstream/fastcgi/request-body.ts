/**
 * Request bodies on their way to php-fpm. PHP needs CONTENT_LENGTH before it reads stdin, so:
 * a body with a Content-Length streams straight through (with backpressure) once php-fpm has a
 * connection; a chunked body is spooled first — in memory up to `spoolMemory`, then in a temp
 * file — and sent with its measured length, as nginx does with `fastcgi_request_buffering`.
 * Spooling happens before a php-fpm slot is taken, so a slow uploader never holds a PHP child.
 * The route's `bodySize` is enforced either way (413 before any byte goes upstream).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExchangeRequest } from '../../listener/exchange.js';
import { SwitchyardError } from '../../errors.js';
import type { FastcgiConnection } from './connection.js';

export interface RequestBody {
  /** CONTENT_LENGTH for php-fpm; undefined when the request has no body. */
  readonly length: number | undefined;
  /** True when `send` can run again (the body is held here, or there is none). */
  readonly replayable: boolean;
  /** No body at all: the end of STDIN goes out with the request head. */
  readonly empty: boolean;
  /** Writes the body as STDIN records and the empty record that ends them. */
  send(conn: FastcgiConnection): Promise<void>;
  /** Removes any temp file. */
  dispose(): Promise<void>;
}

const EMPTY: RequestBody = {
  length: undefined,
  replayable: true,
  empty: true,
  send: async () => {},
  dispose: async () => {},
};

function tooLarge(limit: number, what: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body ${what} exceeds the route limit of ${limit} bytes`);
}

export async function prepareRequestBody(req: ExchangeRequest, limit: number, spoolMemory: number): Promise<RequestBody> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && req.headers['transfer-encoding'] === undefined) {
    const length = Number(declared);
    if (length > limit) throw tooLarge(limit, `of ${length} bytes`);
    if (length === 0) return { ...EMPTY, length: 0 };
    return streamed(req, length);
  }
  if (req.headers['transfer-encoding'] === undefined) return EMPTY;
  return spool(req, limit, spoolMemory);
}

function streamed(req: ExchangeRequest, length: number): RequestBody {
  return {
    length,
    replayable: false,
    empty: false,
    async send(conn) {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (!conn.alive) return;
        if (!conn.writeStdin(chunk)) await conn.drained();
      }
      conn.endStdin();
    },
    dispose: async () => {},
  };
}

async function spool(req: ExchangeRequest, limit: number, spoolMemory: number): Promise<RequestBody> {
  const memory: Buffer[] = [];
  let length = 0;
  let dir: string | undefined;
  let file: FileHandle | undefined;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limit) throw tooLarge(limit, 'sent chunked');
      if (file !== undefined) {
        await file.write(chunk);
      } else if (length > spoolMemory) {
        dir = await mkdtemp(join(tmpdir(), 'switchyard-body-'));
        file = await open(join(dir, 'body'), 'w+', 0o600);
        for (const b of memory.splice(0)) await file.write(b);
        await file.write(chunk);
      } else {
        memory.push(chunk);
      }
    }
  } catch (err) {
    await file?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  await file?.close();
  const path = dir === undefined ? undefined : join(dir, 'body');
  return {
    length,
    replayable: true,
    empty: length === 0,
    async send(conn) {
      if (path === undefined) {
        for (const b of memory) if (!conn.writeStdin(b)) await conn.drained();
      } else {
        for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
          if (!conn.alive) return;
          if (!conn.writeStdin(chunk)) await conn.drained();
        }
      }
      conn.endStdin();
    },
    async dispose() {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
