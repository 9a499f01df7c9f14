/**
 * The forwarded response head built in one pass from the upstream's raw pairs gives the client
 * what the lookup-object path gave (node's header object, hop-by-hop filtering, Via appended):
 * each case is checked against that path, line by line, and the hooks' object against its object.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headerLookup } from '../../../src/listener/http1/header-lookup.js';
import { appendVia, endToEndHeaders } from '../../../src/upstream/http/hop-by-hop.js';
import { fieldsObject, forwardedResponseFields } from '../../../src/upstream/http/response-fields.js';

/** The head as it was forwarded before: lookup object, end-to-end copy, Via. */
function throughObjects(raw: string[]): Record<string, string | string[]> {
  const out = endToEndHeaders(headerLookup(raw));
  appendVia(out);
  return out;
}

/**
 * Field lines (name: value), grouped by name in a stable sort: the order of lines of one name is
 * what counts (RFC 9110 §5.3); set-cookie lines now stay where the upstream put them.
 */
const byName = (lines: string[]) => lines.sort((a, b) => (a.slice(0, a.indexOf(':')) < b.slice(0, b.indexOf(':')) ? -1 : a.slice(0, a.indexOf(':')) > b.slice(0, b.indexOf(':')) ? 1 : 0));

function linesOfObject(headers: Record<string, string | string[]>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  return lines;
}

function linesOfPairs(pairs: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) lines.push(`${pairs[i]}: ${pairs[i + 1]}`);
  return lines;
}

const cases: { name: string; raw: string[] }[] = [
  { name: 'plain fields, names lowercased', raw: ['Content-Type', 'text/plain', 'Content-Length', '13', 'Server', 'nginx'] },
  { name: 'hop-by-hop fields dropped', raw: ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Trailer', 'x', 'TE', 'trailers', 'Proxy-Authenticate', 'Basic', 'Proxy-Connection', 'close', 'ETag', '"a"'] },
  { name: 'fields Connection names dropped, wherever they are', raw: ['X-Before', '1', 'Connection', 'close, X-Before, x-after', 'X-After', '2', 'X-Kept', '3'] },
  { name: 'Connection naming Via: the upstream Via goes, ours stays', raw: ['Via', '1.1 other', 'Connection', 'via'] },
  { name: 'set-cookie kept as separate lines', raw: ['Set-Cookie', 'a=1', 'X-A', '1', 'set-cookie', 'b=2', 'SET-COOKIE', 'c=3'] },
  { name: 'singletons keep their first value', raw: ['Content-Type', 'text/html', 'content-type', 'text/plain', 'Location', '/a', 'Location', '/b', 'Age', '1', 'age', '2'] },
  { name: 'other repeats joined with a comma', raw: ['Cache-Control', 'no-cache', 'X-Multi', 'a', 'cache-control', 'no-store', 'x-multi', 'b', 'X-Multi', 'c'] },
  { name: 'cookie joined with a semicolon', raw: ['Cookie', 'a=1', 'Cookie', 'b=2'] },
  { name: 'upstream Via extended', raw: ['Via', '1.0 first', 'Via', '1.1 second'] },
  { name: 'no fields at all', raw: [] },
];

describe('http upstream: the forwarded response head, from raw pairs in one pass', () => {
  for (const c of cases) {
    it(c.name, () => {
      const before = throughObjects(c.raw);
      const pairs = forwardedResponseFields(c.raw);
      assert.deepEqual(byName(linesOfPairs(pairs)), byName(linesOfObject(before)));
      assert.deepEqual(fieldsObject(pairs), before);
    });
  }
});
