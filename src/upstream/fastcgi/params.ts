/**
 * FastCGI name-value pairs (FastCGI 1.0 specification, section 3.4) and the parameter set sent
 * with each request. The set mirrors nginx's stock `fastcgi_params` plus the parameters every
 * PHP deployment adds beside it (SCRIPT_FILENAME, PATH_INFO, HTTPS...), so an application moved
 * from nginx sees the same `$_SERVER`.
 *
 * The set is declared once, in PARAMS below, each entry saying whether its value is fixed for a
 * script (SCRIPT_NAME, DOCUMENT_ROOT, SERVER_SOFTWARE, the configured params...) or comes from
 * the request. ParamsEncoder encodes the fixed ones once per script and, per request, only the
 * others, into one byte string that record.ts writes into the request's single buffer.
 *
 * Bytes, as nginx passes them: values read off the wire (the request line and headers, which
 * node:http hands over one character per byte) go to PHP as the bytes the client sent, so a
 * UTF-8 header reaches `$_SERVER` as the same UTF-8; values the gateway decoded or was
 * configured with (DOCUMENT_URI, PATH_INFO, SCRIPT_FILENAME, params) are encoded as UTF-8.
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

export interface ScriptParamsInput {
  readonly scriptName: string;
  readonly scriptFilename: string;
  readonly documentRoot: string;
  readonly serverSoftware: string;
  /** Operator-configured extra params (checked at startup not to hold RESERVED_PARAMS). */
  readonly extra: Readonly<Record<string, string>>;
}

export interface RequestParamsInput {
  readonly method: string;
  /** Raw request target as received (`/a%20b?x=1`), REQUEST_URI. */
  readonly requestUri: string;
  readonly query: string;
  /** Decoded, normalised URI after any try_files fallback (nginx `$document_uri`). */
  readonly documentUri: string;
  readonly pathInfo: string;
  readonly httpVersion: string;
  readonly https: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number | undefined;
  readonly serverAddress: string;
  readonly serverPort: number | undefined;
  readonly headers: IncomingHttpHeaders;
  /**
   * Propagation headers from telemetry (traceparent): they replace the client's, so PHP reads
   * the gateway's span as its parent in $_SERVER['HTTP_TRACEPARENT'].
   */
  readonly carrier?: Readonly<Record<string, string>> | undefined;
  /** Length of the body php-fpm will read; undefined when there is none. */
  readonly contentLength: number | undefined;
  readonly requestId: string;
}

export type ParamsInput = ScriptParamsInput & RequestParamsInput;

/** Like nginx, header names with `_` are ignored (`underscores_in_headers off`). */
const HEADER_NAME_OK = /^[A-Za-z0-9-]+$/;

function serverName(host: string | undefined): string {
  if (host === undefined || host === '') return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Where a value comes from. `wire`: bytes as the client sent them (one character per byte);
 * `text`: a string the gateway made, sent as UTF-8. A request value of undefined leaves the
 * parameter out (fastcgi_params' `if_not_empty`).
 */
type Entry =
  | { readonly name: string; readonly script: (s: ScriptParamsInput) => string }
  | { readonly name: string; readonly request: (r: RequestParamsInput) => string | undefined; readonly wire: boolean };

const fromScript = (name: string, script: (s: ScriptParamsInput) => string): Entry => ({ name, script });
const fromRequest = (name: string, request: (r: RequestParamsInput) => string | undefined, wire = false): Entry => ({ name, request, wire });
const optional = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** The parameters before the configured ones and the headers, in the order PHP sees them. */
const PARAMS: readonly Entry[] = [
  // nginx fastcgi_params, in its order.
  fromRequest('QUERY_STRING', (r) => r.query, true),
  fromRequest('REQUEST_METHOD', (r) => r.method, true),
  fromRequest('CONTENT_TYPE', (r) => r.headers['content-type'] ?? '', true),
  fromRequest('CONTENT_LENGTH', (r) => optional(r.contentLength)),
  fromScript('SCRIPT_NAME', (s) => s.scriptName),
  fromRequest('REQUEST_URI', (r) => r.requestUri, true),
  fromRequest('DOCUMENT_URI', (r) => r.documentUri),
  fromScript('DOCUMENT_ROOT', (s) => s.documentRoot),
  fromRequest('SERVER_PROTOCOL', (r) => `HTTP/${r.httpVersion}`),
  fromRequest('REQUEST_SCHEME', (r) => (r.https ? 'https' : 'http')),
  // fastcgi_params: `HTTPS $https if_not_empty`.
  fromRequest('HTTPS', (r) => (r.https ? 'on' : undefined)),
  fromScript('GATEWAY_INTERFACE', () => 'CGI/1.1'),
  fromScript('SERVER_SOFTWARE', (s) => s.serverSoftware),
  fromRequest('REMOTE_ADDR', (r) => r.remoteAddress),
  fromRequest('REMOTE_PORT', (r) => optional(r.remotePort)),
  fromScript('REMOTE_USER', () => ''),
  fromRequest('SERVER_ADDR', (r) => r.serverAddress),
  fromRequest('SERVER_PORT', (r) => optional(r.serverPort)),
  fromRequest('SERVER_NAME', (r) => serverName(r.headers.host), true),
  fromScript('REDIRECT_STATUS', () => '200'),
  // The parameters a PHP location block adds beside the include.
  fromScript('SCRIPT_FILENAME', (s) => s.scriptFilename),
  fromRequest('PATH_INFO', (r) => r.pathInfo),
  fromRequest('REQUEST_ID', (r) => r.requestId, true),
];

/** The configured params, after PARAMS; PHP_VALUE and PHP_ADMIN_VALUE never. */
function extraParams(extra: Readonly<Record<string, string>>): Param[] {
  return Object.entries(extra).filter(([name]) => !RESERVED_PARAMS.has(name));
}

/** `HTTP_USER_AGENT` for `user-agent`; undefined for a header that is never passed. */
function headerParamName(name: string): string | undefined {
  if (!HEADER_NAME_OK.test(name)) return undefined;
  // httpoxy (CVE-2016-5385): HTTP_PROXY would be read as the proxy by many HTTP clients.
  if (name === 'proxy') return undefined;
  return `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
}

function headerValue(name: string, value: string | string[]): string {
  return typeof value === 'string' ? value : value.join(name === 'cookie' ? '; ' : ', ');
}

/** The whole set as name-value pairs (for tools and the micro-benchmark; requests use ParamsEncoder). */
export function buildParams(input: ParamsInput): Param[] {
  const params: Param[] = [];
  for (const entry of PARAMS) {
    const value = 'script' in entry ? entry.script(input) : entry.request(input);
    if (value !== undefined) params.push([entry.name, value]);
  }
  params.push(...extraParams(input.extra));
  for (const [name, value] of Object.entries({ ...input.headers, ...input.carrier })) {
    const param = value === undefined ? undefined : headerParamName(name);
    if (param !== undefined) params.push([param, headerValue(name, value as string | string[])]);
  }
  return params;
}

// Byte strings: one character per byte, written to the request buffer as latin1. Header values
// and the request target arrive that way from the listener (node:http and the project's codec
// both decode them as latin1), so they are used as they are.

const ASCII = /^[\x00-\x7f]*$/;
/** A character that is not one byte. */
const WIDE = /[^\x00-\xff]/;

/** A string the gateway made, as its UTF-8 bytes. */
function textBytes(value: string): string {
  return ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** A header value made inside the gateway (telemetry's carrier): bytes if it is not already. */
function wireBytes(value: string): string {
  return WIDE.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** One encoded pair; `name` is ASCII and `value` already a byte string. */
function pair(name: string, value: string): string {
  return lengthChars(name.length) + lengthChars(value.length) + name + value;
}

/** A request entry, its name's length prefix made once. */
interface RequestPart {
  readonly nameLength: string;
  readonly name: string;
  readonly value: (r: RequestParamsInput) => string | undefined;
  readonly wire: boolean;
}

/** The pairs of one script: runs of fixed pairs, already encoded, between request entries. */
type Template = readonly (string | RequestPart)[];

/** Header name to its encoded `HTTP_*` name and length prefix, or null when never passed. */
const headerNames = new Map<string, readonly [string, string] | null>();
/** Clients choose header names; past this many distinct ones, names are encoded each time. */
const HEADER_NAMES_MAX = 1024;

function encodedHeaderName(name: string): readonly [string, string] | null {
  let known = headerNames.get(name);
  if (known === undefined) {
    const param = headerParamName(name);
    known = param === undefined ? null : [lengthChars(param.length), param];
    if (headerNames.size < HEADER_NAMES_MAX) headerNames.set(name, known);
  }
  return known;
}

export interface ParamsEncoderOptions {
  readonly documentRoot: string;
  readonly serverSoftware: string;
  readonly extra: Readonly<Record<string, string>>;
}

/** Scripts whose fixed pairs are kept; allowlisted scripts are few, this only bounds `**` globs. */
const TEMPLATES_MAX = 1024;

/**
 * Encodes the params of a request as one byte string. What is fixed for a script is encoded
 * the first time the script runs and reused; a request pays only for its own values.
 */
export class ParamsEncoder {
  readonly #opts: ParamsEncoderOptions;
  readonly #templates = new Map<string, Template>();

  constructor(opts: ParamsEncoderOptions) {
    this.#opts = opts;
  }

  encode(script: { readonly scriptName: string; readonly scriptFilename: string }, request: RequestParamsInput): string {
    let template = this.#templates.get(script.scriptFilename);
    if (template === undefined) {
      template = this.#compile(script);
      if (this.#templates.size >= TEMPLATES_MAX) this.#templates.clear();
      this.#templates.set(script.scriptFilename, template);
    }
    return this.#encode(template, request);
  }

  #compile(script: { readonly scriptName: string; readonly scriptFilename: string }): Template {
    const fixed: ScriptParamsInput = { ...this.#opts, scriptName: script.scriptName, scriptFilename: script.scriptFilename };
    const template: (string | RequestPart)[] = [];
    let run = '';
    for (const entry of PARAMS) {
      if ('script' in entry) {
        run += pair(entry.name, textBytes(entry.script(fixed)));
        continue;
      }
      if (run !== '') template.push(run);
      run = '';
      template.push({ nameLength: lengthChars(entry.name.length), name: entry.name, value: entry.request, wire: entry.wire });
    }
    for (const [name, value] of extraParams(this.#opts.extra)) run += pair(name, textBytes(value));
    if (run !== '') template.push(run);
    return template;
  }

  #encode(template: Template, r: RequestParamsInput): string {
    let out = '';
    for (const part of template) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const raw = part.value(r);
      if (raw === undefined) continue;
      const value = part.wire ? raw : textBytes(raw);
      out += part.nameLength + lengthChars(value.length) + part.name + value;
    }
    // Every request header as HTTP_*, as nginx's fastcgi_pass_request_headers does.
    const { headers, carrier } = r;
    for (const name in headers) {
      const raw = headers[name];
      if (raw === undefined) continue;
      const encoded = encodedHeaderName(name);
      if (encoded === null) continue;
      const value = carrier !== undefined && Object.hasOwn(carrier, name) ? wireBytes(carrier[name] as string) : headerValue(name, raw);
      out += encoded[0] + lengthChars(value.length) + encoded[1] + value;
    }
    if (carrier !== undefined) {
      for (const name in carrier) {
        if (Object.hasOwn(headers, name)) continue;
        const encoded = encodedHeaderName(name);
        if (encoded === null) continue;
        const value = wireBytes(carrier[name] as string);
        out += encoded[0] + lengthChars(value.length) + encoded[1] + value;
      }
    }
    return out;
  }
}
