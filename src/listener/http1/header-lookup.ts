/**
 * The lowercased header object node's IncomingMessage builds from rawHeaders, with the same rules
 * for fields that appear more than once, so code written against `req.headers` sees the same
 * values behind the codec (node 20, `joinDuplicateHeaders` off, the listener's setting):
 *
 * - the fields below keep their first value and drop the others (node treats them as singletons);
 * - `set-cookie` becomes an array of every value;
 * - `cookie` values are joined with "; " (RFC 6265 §5.4);
 * - every other field's values are joined with ", " (RFC 9110 §5.3).
 *
 * The object is a plain `{}` as node's is, and filled the way node fills it, so even the odd names
 * (`constructor`, `__proto__`) come out the same. The differential test checks every rule.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Fields node keeps the first value of (its singletons); the proxy's head forwarding follows them too. */
export const FIRST_WINS: ReadonlySet<string> = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** `raw` is [name, value, name, value, ...] as received (node's rawHeaders layout). */
export function headerLookup(raw: readonly string[]): IncomingHttpHeaders {
  const dest: Record<string, unknown> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'set-cookie') {
      const list = dest['set-cookie'];
      if (Array.isArray(list)) list.push(value);
      else dest['set-cookie'] = [value];
    } else if (FIRST_WINS.has(name)) {
      if (dest[name] === undefined) dest[name] = value;
    } else {
      const prior = dest[name];
      dest[name] = typeof prior === 'string' ? prior + (name === 'cookie' ? '; ' : ', ') + value : value;
    }
  }
  return dest as IncomingHttpHeaders;
}
