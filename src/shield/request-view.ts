/**
 * What the shield's rules read of a request: the facts request rules need (method, the path
 * decoded as PHP and the file system would read it, the raw query, header counts), computed once,
 * and each value a value rule inspects (query and body arguments and their names, cookies, the
 * headers injected code is hidden in) with its decoded forms made on first use, so a plain value
 * costs one scan.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange } from '../listener/exchange.js';
import { foldOverlong, normalizeValue, percentDecode, percentDecodeRepeated, stripPhpComments, stripPhpNoise, htmlEntityDecode } from './decode.js';
import type { ValueKind } from './catalogue.js';
import { DOT_DOT_SLASH } from './matchers.js';

export interface RequestFacts {
  readonly method: string;
  /** `1.0`, `1.1` or `2.0`. */
  readonly httpVersion: string;
  /** The request-target as sent. */
  readonly url: string;
  /** The path decoded (repeatedly), overlong forms folded, lowercased. */
  readonly path: string;
  /** The query as sent, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** The Content-Type, lowercased, when there is one. */
  readonly contentType: string | undefined;
  /** How many Content-Type fields the client sent. */
  readonly contentTypes: number;
  /** A NUL in the query, raw or decoded (one in the path is a PATH_INFO trick, rule 193101). */
  readonly queryHasNul: boolean;
  /** `../` appears only once the URL is decoded: an encoded traversal. */
  readonly encodedTraversal: boolean;
  readonly maxUrlLength: number;
}

export function requestFacts(exchange: Exchange, maxUrlLength: number): RequestFacts {
  const { req } = exchange;
  const url = req.url ?? '/';
  const path = foldOverlong(percentDecodeRepeated(exchange.path, false)).toLowerCase();
  const rawQuery = exchange.query;
  let contentTypes = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).length === 12 && (raw[i] as string).toLowerCase() === 'content-type') contentTypes++;
  const hasPercent = url.includes('%');
  const decodedQuery = hasPercent || /[\u00c0\u00c1\u00e0\uff0e\uff0f\uff3c]/.test(url) ? foldOverlong(percentDecodeRepeated(rawQuery, true)) : rawQuery;
  return {
    method: req.method ?? 'GET',
    httpVersion: req.httpVersion,
    url,
    path,
    rawQuery,
    headers: req.headers,
    contentType: typeof req.headers['content-type'] === 'string' ? req.headers['content-type'].toLowerCase() : undefined,
    contentTypes,
    queryHasNul: rawQuery.includes('\0') || decodedQuery.includes('\0'),
    encodedTraversal: (path !== exchange.path.toLowerCase() || decodedQuery !== rawQuery) && (DOT_DOT_SLASH.test(path) || DOT_DOT_SLASH.test(decodedQuery)) && !DOT_DOT_SLASH.test(url),
    maxUrlLength,
  };
}

const PLAIN_WORD = /^[\w +-]*$/;

/** One value as the value rules see it. */
export class Inspected {
  /** Where it came from, in ModSecurity's collection names (`ARGS:id`, `REQUEST_COOKIES:sid`). */
  readonly part: string;
  readonly kind: ValueKind;
  /** The cookie's or header's name, lowercased (the Xdebug rule reads cookie names). */
  readonly name: string;
  readonly raw: string;
  readonly #plus: boolean;
  #value: string | undefined;
  #decoded: string | undefined;
  #stripped: string | undefined;
  #uncommented: string | undefined;

  constructor(part: string, kind: ValueKind, name: string, raw: string, plus: boolean) {
    this.part = part;
    this.kind = kind;
    this.name = name;
    this.raw = raw;
    this.#plus = plus;
  }

  /** Nothing but letters, digits, `_`, `-`, `+` and spaces: only ValueRule.plain rules can match. */
  get plainWord(): boolean {
    return PLAIN_WORD.test(this.raw);
  }

  /** Decoded, entities decoded, lowercased. */
  get value(): string {
    return (this.#value ??= normalizeValue(this.raw, this.#plus));
  }

  /** Percent-decoded, case kept (base64 is case-sensitive). */
  get decoded(): string {
    return (this.#decoded ??= htmlEntityDecode(percentDecode(this.raw, this.#plus)));
  }

  /** `value` as PHP's tokenizer reads it: comments and whitespace gone, concatenations joined. */
  get stripped(): string {
    return (this.#stripped ??= stripPhpNoise(this.value));
  }

  /** `value` without comments. */
  get uncommented(): string {
    return (this.#uncommented ??= stripPhpComments(this.value));
  }
}

/** Query arguments and their names, cookies and their names (PHP parses `a[b]` in both), chosen headers, in that order. */
export function headValues(exchange: Exchange): Inspected[] {
  const out: Inspected[] = [];
  const query = exchange.query;
  if (query !== '') {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      out.push(new Inspected('ARGS_NAMES', 'arg-name', '', name, true));
      if (eq !== -1) out.push(new Inspected(`ARGS:${name.slice(0, 64)}`, 'arg', '', pair.slice(eq + 1), true));
    }
  }
  const headers = exchange.req.headers;
  const cookie = headers.cookie;
  if (cookie !== undefined) {
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const name = pair.slice(0, eq).trim();
      out.push(new Inspected('REQUEST_COOKIES_NAMES', 'cookie-name', name.toLowerCase(), name, false));
      out.push(new Inspected(`REQUEST_COOKIES:${name.slice(0, 64)}`, 'cookie', name.toLowerCase(), pair.slice(eq + 1).trim(), false));
    }
  }
  for (const [header, label] of INSPECTED_HEADERS) {
    const value = headers[header];
    if (typeof value === 'string') out.push(new Inspected(`REQUEST_HEADERS:${label}`, 'header', header, value, false));
  }
  return out;
}

/**
 * Headers that reach PHP and are read by applications or written to logs an inclusion could run
 * (a `<?php` User-Agent poisons the access log): CRS inspects the same for its PHP rules.
 */
const INSPECTED_HEADERS: readonly (readonly [string, string])[] = [
  ['user-agent', 'User-Agent'],
  ['referer', 'Referer'],
  ['x-filename', 'X-Filename'],
  ['x_filename', 'X_Filename'],
  ['x-file-name', 'X-File-Name'],
];
