/**
 * Serializes a response head (status line and fields) into one latin1 string for a single socket
 * write, and decides how the body is framed, as RFC 9112 §6 and §9 ask:
 *
 * - no body for HEAD, 1xx, 204 and 304; Content-Length and Transfer-Encoding are left out of 1xx
 *   and 204 (RFC 9110 §8.6, RFC 9112 §6.1), kept on HEAD and 304, where they describe the
 *   representation;
 * - otherwise the caller's Content-Length, else `bodyLength` as Content-Length, else chunked for
 *   an HTTP/1.1 client and, for an HTTP/1.0 client (which cannot read chunked, §6.1), a body
 *   delimited by closing the connection;
 * - Content-Length with Transfer-Encoding is refused, as is a Transfer-Encoding not ending in
 *   chunked (the codec frames nothing else);
 * - `Connection: close` is added when the connection will close (the client asked, or the body is
 *   close-delimited), `Connection: keep-alive` when an HTTP/1.0 client's connection stays open;
 * - a Date field unless there is one (RFC 9110 §6.6.1), formatted once per second.
 *
 * The status line always says HTTP/1.1 (RFC 9110 §2.5). Field names and values are checked
 * (outgoing-fields.ts): a CR or LF in a value is refused, never written.
 *
 *   const { head, framing, keepAlive } = serializeResponseHead({ status: 200, headers, request: reqHead, bodyLength: body.length });
 *   socket.write(head, 'latin1'); socket.write(body);              // framing 'length'
 *   // framing 'chunked': socket.write(encodeChunk(piece)) per piece, then socket.write(LAST_CHUNK)
 *   // framing 'close': write the body, then socket.end(); keepAlive false: close after the body
 */
import { STATUS_CODES } from 'node:http';
import { REASON } from './chars.js';
import { parseLength } from './field-facts.js';
import { Http1Error } from './http1-error.js';
import { httpDate } from './http-date.js';
import { eachField, fieldLine, type FieldSink, type OutgoingFields } from './outgoing-fields.js';
import type { HttpVersion } from './start-line.js';

export interface ResponseHeadInit {
  readonly status: number;
  /** Defaults to the standard phrase for the status (node's STATUS_CODES). */
  readonly reason?: string;
  readonly headers: OutgoingFields;
  /** The request answered: a RequestHead fits. */
  readonly request: { readonly method: string; readonly httpVersion: HttpVersion; readonly keepAlive: boolean };
  /** The body's length when known and the headers carry no Content-Length. */
  readonly bodyLength?: number;
  /** Add a Date field when the headers have none. Default true. */
  readonly date?: boolean;
}

export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

export interface SerializedHead {
  /** Status line, fields and the empty line, to write as latin1. */
  readonly head: string;
  readonly framing: ResponseFraming;
  /** The body length for `length`. */
  readonly contentLength: number | undefined;
  /** Whether the connection may carry the next request after this response. */
  readonly keepAlive: boolean;
}

/** Collects the field lines and the facts the framing depends on; one reused instance. */
class HeadFields implements FieldSink {
  lines = '';
  contentLength = -1;
  transferEncoding: string | undefined;
  close = false;
  keepAliveToken = false;
  date = false;
  dropFraming = false;

  reset(dropFraming: boolean): void {
    this.lines = '';
    this.contentLength = -1;
    this.transferEncoding = undefined;
    this.close = false;
    this.keepAliveToken = false;
    this.date = false;
    this.dropFraming = dropFraming;
  }

  field(name: string, value: string): void {
    const line = fieldLine(name, value);
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'date') this.date = true;
        break;
      case 10:
        if (name.toLowerCase() === 'connection') {
          const tokens = value.toLowerCase().split(',').map((t) => t.trim());
          if (tokens.includes('close')) this.close = true;
          if (tokens.includes('keep-alive')) this.keepAliveToken = true;
        }
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (this.contentLength !== -1) throw new Http1Error('outgoing', 'duplicate-content-length');
          this.contentLength = parseLength(value.trim(), 'outgoing');
          if (this.dropFraming) return;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') {
          if (this.transferEncoding !== undefined) throw new Http1Error('outgoing', 'unsupported-transfer-encoding', 'more than one field');
          this.transferEncoding = value;
          if (this.dropFraming) return;
        }
        break;
    }
    this.lines += line;
  }
}

const scratch = new HeadFields();

export function serializeResponseHead(init: ResponseHeadInit): SerializedHead {
  const { status, request } = init;
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Http1Error('outgoing', 'invalid-status', String(status));
  const reason = init.reason ?? STATUS_CODES[status] ?? '';
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if (c > 0xff || REASON[c] !== 1) throw new Http1Error('outgoing', 'invalid-reason', JSON.stringify(reason));
  }
  const interim = status < 200;
  const fields = scratch;
  fields.reset(interim || status === 204);
  eachField(init.headers, fields);
  let lines = fields.lines;

  if (interim) {
    // 1xx: no framing, no connection management; 101 hands the connection to the new protocol.
    return { head: `HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n`, framing: 'none', contentLength: undefined, keepAlive: status !== 101 && request.keepAlive };
  }
  const te = fields.transferEncoding;
  if (te !== undefined && fields.contentLength !== -1 && status !== 204) throw new Http1Error('outgoing', 'content-length-with-transfer-encoding');
  if (te !== undefined && status !== 204 && !/(^|,)[ \t]*chunked[ \t]*$/i.test(te)) throw new Http1Error('outgoing', 'unsupported-transfer-encoding', JSON.stringify(te));

  let framing: ResponseFraming;
  let contentLength: number | undefined;
  const http10 = request.httpVersion === '1.0';
  if (status === 204 || status === 304 || request.method === 'HEAD') {
    framing = 'none';
    if (request.method === 'HEAD' && fields.contentLength === -1 && te === undefined && init.bodyLength !== undefined) lines += `Content-Length: ${checkedLength(init.bodyLength)}\r\n`;
  } else if (fields.contentLength !== -1) {
    framing = 'length';
    contentLength = fields.contentLength;
  } else if (te !== undefined) {
    // RFC 9112 §6.1: no Transfer-Encoding to an HTTP/1.0 client; the body then ends with the connection.
    framing = http10 ? 'close' : 'chunked';
    if (http10) lines = dropField(lines, 'transfer-encoding');
  } else if (init.bodyLength !== undefined) {
    framing = 'length';
    contentLength = checkedLength(init.bodyLength);
    lines += `Content-Length: ${contentLength}\r\n`;
  } else if (http10) {
    framing = 'close';
  } else {
    framing = 'chunked';
    lines += 'Transfer-Encoding: chunked\r\n';
  }

  const keepAlive = request.keepAlive && !fields.close && framing !== 'close';
  if (!keepAlive && !fields.close) lines += 'Connection: close\r\n';
  else if (keepAlive && http10 && !fields.keepAliveToken) lines += 'Connection: keep-alive\r\n';
  if (init.date !== false && !fields.date) lines += `Date: ${httpDate()}\r\n`;
  return { head: `HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n`, framing, contentLength, keepAlive };
}

function checkedLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Http1Error('outgoing', 'invalid-content-length', String(n));
  return n;
}

/** Removes the lines of field `lower` (lowercase name) from serialized `lines`. */
function dropField(lines: string, lower: string): string {
  return lines
    .split('\r\n')
    .filter((line) => line.slice(0, line.indexOf(':')).toLowerCase() !== lower)
    .join('\r\n');
}
