/**
 * The `X-Error-Chain` header (SPEC section 5): base64 of a JSON array of causes, outermost first,
 * each a small problem object. Encoding takes any members a hop put on a link (a gRPC status's
 * decoded `details`, a PHP fatal's `file` and `line`). Decoding treats the header as hostile: the
 * size is capped before anything is decoded, the JSON's nesting depth is measured on the text
 * before it is parsed, and every link is checked; anything wrong gives a reason and no links, so
 * the caller drops the header (and never echoes it).
 */
import type { ChainLink } from '../errors.js';

export const CHAIN_HEADER = 'x-error-chain';
/** Longest header value decoded (base64 characters): a chain of a few dozen ordinary causes. */
export const MAX_HEADER_LENGTH = 16 * 1024;
/** Deepest JSON nesting accepted: array, link, and a few levels of members (gRPC details). */
export const MAX_DEPTH = 16;
/** Most links kept from one header. */
export const MAX_LINKS = 32;

export type DecodedChain = { readonly links: ChainLink[] } | { readonly malformed: string };

export function encodeChain(links: readonly ChainLink[]): string {
  return Buffer.from(JSON.stringify(links), 'utf8').toString('base64');
}

/** The links of a header value, or why it is refused. */
export function decodeChain(value: string | readonly string[] | undefined): DecodedChain {
  if (value === undefined) return { links: [] };
  if (typeof value !== 'string') return { malformed: 'the header is repeated' };
  const text = value.trim();
  if (text.length > MAX_HEADER_LENGTH) return { malformed: `${text.length} characters, over the limit of ${MAX_HEADER_LENGTH}` };
  // RFC 4648 section 4 or section 5 (url-safe) alphabet, padded or not.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) return { malformed: 'not base64' };
  const json = Buffer.from(text, 'base64').toString('utf8');
  const depth = nestingDepth(json);
  if (depth > MAX_DEPTH) return { malformed: `nested over ${MAX_DEPTH} levels deep` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { malformed: 'not JSON' };
  }
  return checkLinks(parsed);
}

/** Checks a parsed chain (from a header or a problem body's `chain` member). */
export function checkLinks(parsed: unknown): DecodedChain {
  if (!Array.isArray(parsed)) return { malformed: 'not a JSON array' };
  if (parsed.length > MAX_LINKS) return { malformed: `${parsed.length} links, over the limit of ${MAX_LINKS}` };
  const links: ChainLink[] = [];
  for (const [i, item] of parsed.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return { malformed: `link ${i} is not an object` };
    const link = item as Record<string, unknown>;
    for (const key of ['source', 'type', 'title', 'detail'] as const) {
      if (link[key] !== undefined && typeof link[key] !== 'string') return { malformed: `link ${i}: ${key} is not a string` };
    }
    if (link['status'] !== undefined && !(Number.isInteger(link['status']) && (link['status'] as number) >= 100 && (link['status'] as number) <= 599)) {
      return { malformed: `link ${i}: status is not an HTTP status` };
    }
    links.push({ ...link, source: (link['source'] as string | undefined) ?? 'unknown', detail: (link['detail'] as string | undefined) ?? (link['title'] as string | undefined) ?? '' });
  }
  return { links };
}

/** Deepest nesting of arrays and objects in JSON text, without parsing it (strings skipped). */
export function nestingDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
