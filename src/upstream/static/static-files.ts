/**
 * Serves one already-resolved file from an upstream's root: validators (ETag and Last-Modified
 * in nginx's format), preconditions and conditional GET (RFC 9110 section 13: 412 and 304), byte
 * ranges (RFC 9110 section 14: one range as 206 with Content-Range, several as
 * multipart/byteranges) and HEAD. Path resolution and the "never serve PHP source, never leave
 * root" rules live in the script resolver, which is the only caller that turns a URL into a path.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Exchange } from '../../listener/exchange.js';
import { SwitchyardError } from '../../errors.js';
import { contentTypeFor } from './content-types.js';

/** nginx's ETag: hex mtime seconds and hex size, strong. */
export function etagFor(stats: Stats): string {
  return `"${Math.floor(stats.mtimeMs / 1000).toString(16)}-${stats.size.toString(16)}"`;
}

/** `*` or a list of entity tags; weak comparison ignores `W/`, strong never matches a weak tag. */
function tagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return weak ? tag.replace(/^W\//, '') === etag : tag === etag;
  });
}

function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Section 13.2.2 steps 1-2: If-Match (strong), else If-Unmodified-Since; false means 412. */
function preconditionsHold(exchange: Exchange, etag: string, mtimeSeconds: number): boolean {
  const im = header(exchange, 'if-match');
  if (im !== undefined) return tagMatches(im, etag, false);
  const ius = header(exchange, 'if-unmodified-since');
  if (ius === undefined) return true;
  const since = Date.parse(ius);
  return Number.isNaN(since) || mtimeSeconds * 1000 <= since;
}

/** Steps 3-4: If-None-Match (weak), else If-Modified-Since; true means 304. */
function notModified(exchange: Exchange, etag: string, mtimeSeconds: number): boolean {
  const inm = header(exchange, 'if-none-match');
  if (inm !== undefined) return tagMatches(inm, etag, true);
  const ims = header(exchange, 'if-modified-since');
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && mtimeSeconds * 1000 <= since;
}

interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Past this many ranges, or when the ranges ask for more bytes than the file has (overlaps), the
 * Range header is ignored and the whole file sent (section 14.2 allows it): a request naming
 * thousands of tiny or overlapping ranges would otherwise cost far more than the file.
 */
const MAX_RANGES = 16;

/** One range spec: a range, 'unsatisfiable' (section 14.1.1), or undefined when malformed. */
function parseSpec(spec: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
  if (m === null) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * A `bytes=` Range header (RFC 9110 section 14.1.2): the satisfiable ranges in the order asked,
 * 'unsatisfiable' when none is, undefined when the header is to be ignored (malformed, another
 * unit, too many ranges, or more bytes than the file).
 */
export function parseRanges(header: string, size: number): ByteRange[] | 'unsatisfiable' | undefined {
  const m = /^bytes=(.*)$/s.exec(header.trim());
  if (m === null) return undefined;
  const specs = (m[1] as string).split(',');
  if (specs.length > MAX_RANGES) return undefined;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const range = parseSpec(spec, size);
    if (range === undefined) return undefined;
    if (range !== 'unsatisfiable') ranges.push(range);
  }
  if (ranges.length === 0) return 'unsatisfiable';
  if (ranges.length > 1 && ranges.reduce((n, r) => n + r.end - r.start + 1, 0) > size) return undefined;
  return ranges;
}

/** If-Range (section 13.1.5): the range applies only while the validator still matches. */
function ifRangeHolds(header: string | undefined, etag: string, lastModified: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  return value.startsWith('"') ? value === etag : value === lastModified;
}

export interface StaticOptions {
  /** Headers to send along (X-Accel-Redirect keeps some of PHP's). */
  readonly headers?: OutgoingHttpHeaders;
}

export async function serveStaticFile(exchange: Exchange, file: string, stats: Stats, options: StaticOptions = {}): Promise<void> {
  const method = exchange.req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new SwitchyardError('SY_ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on a static file`, { headers: { allow: 'GET, HEAD' } });
  }
  const etag = etagFor(stats);
  const mtimeSeconds = Math.floor(stats.mtimeMs / 1000);
  const lastModified = new Date(mtimeSeconds * 1000).toUTCString();
  const headers: OutgoingHttpHeaders = {
    'content-type': contentTypeFor(file),
    ...options.headers,
    'last-modified': lastModified,
    etag,
    'accept-ranges': 'bytes',
  };
  if (!preconditionsHold(exchange, etag, mtimeSeconds)) {
    throw new SwitchyardError('SY_ERR_PRECONDITION_FAILED', `the file changed: its ETag is ${etag}, last modified ${lastModified}`, { headers: { etag, 'last-modified': lastModified } });
  }
  if (notModified(exchange, etag, mtimeSeconds)) {
    delete headers['content-type'];
    exchange.writeHead(304, headers);
    exchange.res.end();
    return;
  }
  const rangeHeader = header(exchange, 'range');
  const ranges = rangeHeader !== undefined && ifRangeHolds(header(exchange, 'if-range'), etag, lastModified) ? parseRanges(rangeHeader, stats.size) : undefined;
  if (ranges === 'unsatisfiable') {
    throw new SwitchyardError('SY_ERR_RANGE_NOT_SATISFIABLE', `range ${rangeHeader} is outside the ${stats.size} bytes of the file`, {
      headers: { 'content-range': `bytes */${stats.size}` },
    });
  }
  if (ranges !== undefined && ranges.length > 1) {
    await sendMultipart(exchange, file, stats.size, ranges, headers);
    return;
  }
  const only = ranges?.[0];
  const start = only?.start ?? 0;
  const end = only?.end ?? stats.size - 1;
  if (only !== undefined) headers['content-range'] = `bytes ${start}-${end}/${stats.size}`;
  headers['content-length'] = Math.max(0, end - start + 1);
  exchange.writeHead(only === undefined ? 200 : 206, headers);
  if (method === 'HEAD' || stats.size === 0) {
    exchange.res.end();
    return;
  }
  try {
    await pipeline(createReadStream(file, { start, end }), exchange.res);
  } catch (err) {
    // The head is out: all that is left is to cut the response short (listener contract).
    exchange.res.destroy(err as Error);
  }
}

/** Several ranges: 206 multipart/byteranges (section 14.6), each part with its type and range. */
async function sendMultipart(exchange: Exchange, file: string, size: number, ranges: readonly ByteRange[], headers: OutgoingHttpHeaders): Promise<void> {
  const boundary = randomBytes(12).toString('hex');
  const heads = ranges.map((r) => `\r\n--${boundary}\r\ncontent-type: ${String(headers['content-type'])}\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
  const tail = `\r\n--${boundary}--\r\n`;
  let length = Buffer.byteLength(tail);
  ranges.forEach((r, i) => (length += Buffer.byteLength(heads[i] as string) + r.end - r.start + 1));
  headers['content-type'] = `multipart/byteranges; boundary=${boundary}`;
  headers['content-length'] = length;
  exchange.writeHead(206, headers);
  if (exchange.req.method === 'HEAD') {
    exchange.res.end();
    return;
  }
  async function* body(): AsyncGenerator<Buffer | string> {
    for (const [i, r] of ranges.entries()) {
      yield heads[i] as string;
      yield* createReadStream(file, { start: r.start, end: r.end });
    }
    yield tail;
  }
  try {
    await pipeline(body, exchange.res);
  } catch (err) {
    exchange.res.destroy(err as Error);
  }
}
