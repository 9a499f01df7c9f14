/**
 * FastCGI name-value pairs (FastCGI 1.0 specification, section 3.4) and the parameter set sent
 * with each request. The set mirrors nginx's stock `fastcgi_params` plus the parameters every
 * PHP deployment adds beside it (SCRIPT_FILENAME, PATH_INFO, HTTPS...), so an application moved
 * from nginx sees the same `$_SERVER`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { FastcgiProtocolError } from './record.js';

export type Param = readonly [name: string, value: string];

function lengthBytes(n: number): number {
  return n < 128 ? 1 : 4;
}

function writeLength(buf: Buffer, offset: number, n: number): number {
  if (n < 128) {
    buf[offset] = n;
    return offset + 1;
  }
  // Spec 3.4: four bytes, high bit set, 31-bit length.
  buf.writeUInt32BE((n | 0x80000000) >>> 0, offset);
  return offset + 4;
}

function lengthChars(n: number): string {
  if (n < 128) return String.fromCharCode(n);
  return String.fromCharCode(((n >>> 24) & 0x7f) | 0x80, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/**
 * Encodes the pairs in one allocation. Nearly every request is all ASCII, so the whole block is
 * built as one latin1 string and copied once (a Buffer write per pair cost four times more);
 * a non-ASCII value falls back to writing each pair at its measured UTF-8 length.
 */
export function encodeParams(params: readonly Param[]): Buffer {
  let ascii = '';
  for (const [name, value] of params) {
    const v = Buffer.byteLength(value, 'utf8');
    if (v !== value.length) return encodeParamsUtf8(params);
    ascii += lengthChars(name.length) + lengthChars(v) + name + value;
  }
  return Buffer.from(ascii, 'latin1');
}

function encodeParamsUtf8(params: readonly Param[]): Buffer {
  let size = 0;
  const valueLengths = params.map(([name, value]) => {
    const v = Buffer.byteLength(value, 'utf8');
    size += lengthBytes(name.length) + lengthBytes(v) + name.length + v;
    return v;
  });
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  params.forEach(([name, value], i) => {
    const v = valueLengths[i] as number;
    offset = writeLength(out, offset, name.length);
    offset = writeLength(out, offset, v);
    // Names are ASCII (CGI meta-variables and HTTP_ plus token characters).
    offset += out.write(name, offset, 'latin1');
    offset += out.write(value, offset, v, 'utf8');
  });
  return out;
}

/** Decodes a PARAMS (or GET_VALUES_RESULT) body; used by the test doubles and by tools. */
export function decodeParams(buf: Buffer): Param[] {
  const out: Param[] = [];
  let offset = 0;
  const readLength = (): number => {
    const first = buf[offset];
    if (first === undefined) throw new FastcgiProtocolError('name-value pair cut short');
    if (first < 128) {
      offset += 1;
      return first;
    }
    if (offset + 4 > buf.length) throw new FastcgiProtocolError('name-value pair length cut short');
    const n = buf.readUInt32BE(offset) & 0x7fffffff;
    offset += 4;
    return n;
  };
  while (offset < buf.length) {
    const nameLength = readLength();
    const valueLength = readLength();
    if (offset + nameLength + valueLength > buf.length) throw new FastcgiProtocolError('name-value pair longer than its record');
    const name = buf.toString('latin1', offset, offset + nameLength);
    offset += nameLength;
    const value = buf.toString('utf8', offset, offset + valueLength);
    offset += valueLength;
    out.push([name, value]);
  }
  return out;
}

/** Parameters that change PHP's configuration per request; only the operator may set them. */
export const RESERVED_PARAMS: ReadonlySet<string> = new Set(['PHP_VALUE', 'PHP_ADMIN_VALUE']);

export interface ParamsInput {
  readonly method: string;
  /** Raw request target as received (`/a%20b?x=1`), REQUEST_URI. */
  readonly requestUri: string;
  readonly query: string;
  /** Decoded, normalised URI after any try_files fallback (nginx `$document_uri`). */
  readonly documentUri: string;
  readonly scriptName: string;
  readonly scriptFilename: string;
  readonly pathInfo: string;
  readonly documentRoot: string;
  readonly httpVersion: string;
  readonly https: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number | undefined;
  readonly serverAddress: string;
  readonly serverPort: number | undefined;
  readonly headers: IncomingHttpHeaders;
  /** Length of the body php-fpm will read; undefined when there is none. */
  readonly contentLength: number | undefined;
  readonly requestId: string;
  readonly serverSoftware: string;
  /** Operator-configured extra params (checked at startup not to hold RESERVED_PARAMS). */
  readonly extra: Readonly<Record<string, string>>;
}

/** Like nginx, header names with `_` are ignored (`underscores_in_headers off`). */
const HEADER_NAME_OK = /^[A-Za-z0-9-]+$/;

function serverName(host: string | undefined): string {
  if (host === undefined || host === '') return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function buildParams(input: ParamsInput): Param[] {
  const h = input.headers;
  const scheme = input.https ? 'https' : 'http';
  const params: Param[] = [
    // nginx fastcgi_params, in its order.
    ['QUERY_STRING', input.query],
    ['REQUEST_METHOD', input.method],
    ['CONTENT_TYPE', h['content-type'] ?? ''],
    ['CONTENT_LENGTH', input.contentLength === undefined ? '' : String(input.contentLength)],
    ['SCRIPT_NAME', input.scriptName],
    ['REQUEST_URI', input.requestUri],
    ['DOCUMENT_URI', input.documentUri],
    ['DOCUMENT_ROOT', input.documentRoot],
    ['SERVER_PROTOCOL', `HTTP/${input.httpVersion}`],
    ['REQUEST_SCHEME', scheme],
  ];
  // fastcgi_params: `HTTPS $https if_not_empty`.
  if (input.https) params.push(['HTTPS', 'on']);
  params.push(
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_SOFTWARE', input.serverSoftware],
    ['REMOTE_ADDR', input.remoteAddress],
    ['REMOTE_PORT', input.remotePort === undefined ? '' : String(input.remotePort)],
    ['REMOTE_USER', ''],
    ['SERVER_ADDR', input.serverAddress],
    ['SERVER_PORT', input.serverPort === undefined ? '' : String(input.serverPort)],
    ['SERVER_NAME', serverName(h.host)],
    ['REDIRECT_STATUS', '200'],
    // The parameters a PHP location block adds beside the include.
    ['SCRIPT_FILENAME', input.scriptFilename],
    ['PATH_INFO', input.pathInfo],
    ['REQUEST_ID', input.requestId],
  );
  for (const [name, value] of Object.entries(input.extra)) {
    if (!RESERVED_PARAMS.has(name)) params.push([name, value]);
  }
  // Every request header as HTTP_*, as nginx's fastcgi_pass_request_headers does.
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined || !HEADER_NAME_OK.test(name)) continue;
    // httpoxy (CVE-2016-5385): HTTP_PROXY would be read as the proxy by many HTTP clients.
    if (name === 'proxy') continue;
    const joined = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
    params.push([`HTTP_${name.toUpperCase().replaceAll('-', '_')}`, joined]);
  }
  return params;
}
