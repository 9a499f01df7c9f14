/**
 * Request bodies on their way to php-fpm. PHP needs CONTENT_LENGTH before it reads stdin, so:
 * a body with a Content-Length up to HELD_BODY_MAX is read whole first and goes out in the same
 * write as the request's records (a form post costs one write, as a GET does); a larger one
 * streams straight through (with backpressure) once php-fpm has a connection; a chunked body is
 * spooled first — in memory up to `spoolMemory`, then in a temp file — and sent with its
 * measured length, as nginx does with `fastcgi_request_buffering`. Reading and spooling happen
 * before a php-fpm slot is taken, so a slow uploader never holds a PHP child. The route's
 * `bodySize` is enforced either way (413 before any byte goes upstream).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { SwitchyardError } from '../../errors.js';
import type { FastcgiConnection } from './connection.js';

export interface RequestBody {
  /** CONTENT_LENGTH for php-fpm; undefined when the request has no body. */
  readonly length: number | undefined;
  /** True when `send` can run again (the body is held here, or there is none). */
  readonly replayable: boolean;
  /**
   * The whole body when it is small and already here (empty for none): it goes out with the
   * request's records, ended by the empty STDIN record, and `send` is not called.
   */
  readonly held: Buffer | undefined;
  /** Writes the body as STDIN records and the empty record that ends them. */
  send(conn: FastcgiConnection): Promise<void>;
  /** Removes any temp file. */
  dispose(): Promise<void>;
}

/** What is read of the request: its headers, and the body as a stream (any listener's request). */
export type BodySource = Readable & { readonly headers: IncomingHttpHeaders };

/** Bodies up to one FastCGI record are read before the request starts and sent in its write. */
export const HELD_BODY_MAX = 64 * 1024;

/** A request without a body. */
export const NO_BODY: RequestBody = {
  length: undefined,
  replayable: true,
  held: Buffer.alloc(0),
  send: async () => {},
  dispose: async () => {},
};

/** True when the request has no body to read (nothing declared, or a Content-Length of 0). */
export function hasNoBody(req: { readonly headers: IncomingHttpHeaders }): boolean {
  const { headers } = req;
  return headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
}

/** A body already read whole (by this module or by a filter before the upstream). */
export function heldBody(body: Buffer): RequestBody {
  if (body.length === 0) return { ...NO_BODY, length: 0 };
  return { length: body.length, replayable: true, held: body, send: async () => {}, dispose: async () => {} };
}

function tooLarge(limit: number, what: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body ${what} exceeds the route limit of ${limit} bytes`);
}

export async function prepareRequestBody(req: BodySource, limit: number, spoolMemory: number): Promise<RequestBody> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && req.headers['transfer-encoding'] === undefined) {
    const length = Number(declared);
    if (length > limit) throw tooLarge(limit, `of ${length} bytes`);
    if (length === 0) return { ...NO_BODY, length: 0 };
    if (length <= HELD_BODY_MAX) return heldBody(await readWhole(req, length));
    return streamed(req, length);
  }
  if (req.headers['transfer-encoding'] === undefined) return NO_BODY;
  return spool(req, limit, spoolMemory);
}

/** A small body with a Content-Length, read to its end. */
async function readWhole(req: BodySource, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (err) {
    throw new SwitchyardError('SY_ERR_BAD_REQUEST', `request body ended after ${size} of its ${length} bytes (content-length)`, { cause: err });
  }
  if (size !== length) throw new SwitchyardError('SY_ERR_BAD_REQUEST', `request body ended after ${size} of its ${length} bytes (content-length)`);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function streamed(req: BodySource, length: number): RequestBody {
  return {
    length,
    replayable: false,
    held: undefined,
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

async function spool(req: BodySource, limit: number, spoolMemory: number): Promise<RequestBody> {
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
  if (dir === undefined && length <= HELD_BODY_MAX) return length === 0 ? { ...NO_BODY, length: 0 } : heldBody(Buffer.concat(memory, length));
  const path = dir === undefined ? undefined : join(dir, 'body');
  return {
    length,
    replayable: true,
    held: undefined,
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
