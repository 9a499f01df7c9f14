/**
 * Serves one already-resolved file from an upstream's root: validators (ETag and Last-Modified
 * in nginx's format), conditional GET (RFC 9110 section 13), single byte ranges (RFC 9110
 * section 14) and HEAD. Path resolution and the "never serve PHP source, never leave root"
 * rules live in the script resolver, which is the only caller that turns a URL into a path.
 */
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

/** RFC 9110 section 13.1.2: `*` or a list of entity tags, compared weakly. */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

function notModified(exchange: Exchange, etag: string, mtimeSeconds: number): boolean {
  const inm = exchange.req.headers['if-none-match'];
  // Section 13.2.2: If-Modified-Since is ignored when If-None-Match is present.
  if (inm !== undefined) return noneMatch(inm, etag);
  const ims = exchange.req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && mtimeSeconds * 1000 <= since;
}

type RangeResult = { start: number; end: number } | 'unsatisfiable' | undefined;

/** One `bytes=` range; several ranges or a malformed header are ignored (a 200, section 14.2). */
export function parseRange(header: string, size: number): RangeResult {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (m === null) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
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
  if (notModified(exchange, etag, mtimeSeconds)) {
    delete headers['content-type'];
    exchange.writeHead(304, headers);
    exchange.res.end();
    return;
  }
  let status = 200;
  let start = 0;
  let end = stats.size - 1;
  const rangeHeader = exchange.req.headers.range;
  const ifRange = exchange.req.headers['if-range'];
  if (rangeHeader !== undefined && ifRangeHolds(Array.isArray(ifRange) ? ifRange[0] : ifRange, etag, lastModified)) {
    const range = parseRange(rangeHeader, stats.size);
    if (range === 'unsatisfiable') {
      throw new SwitchyardError('SY_ERR_RANGE_NOT_SATISFIABLE', `range ${rangeHeader} is outside the ${stats.size} bytes of the file`, {
        headers: { 'content-range': `bytes */${stats.size}` },
      });
    }
    if (range !== undefined) {
      status = 206;
      start = range.start;
      end = range.end;
      headers['content-range'] = `bytes ${start}-${end}/${stats.size}`;
    }
  }
  headers['content-length'] = Math.max(0, end - start + 1);
  exchange.writeHead(status, headers);
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
