/**
 * The response head a proxy hop forwards, built in one pass from the upstream's raw header pairs
 * ([name, value, ...] as received) into the pairs the client's response serializes: no lookup
 * object, no filtered copy, no merged copy on the way (three objects per response before, a
 * measurable share of a proxied request's CPU).
 *
 * - hop-by-hop fields and those `Connection` names are dropped (RFC 9110 §7.6.1);
 * - a field received more than once follows node's IncomingMessage rules, so the client sees what
 *   it saw when heads were forwarded through `res.headers` (header-lookup.ts): the singleton fields
 *   keep their first value, `set-cookie` stays one line per value (RFC 6265 §3), other fields are
 *   joined with ", " (RFC 9110 §5.3);
 * - names are lowercased, as that lookup gave them;
 * - this hop is appended to `Via` (RFC 9110 §7.6.3).
 *
 * `fieldsObject` turns the pairs into the OutgoingHttpHeaders a filter's head hook edits.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { FIRST_WINS } from '../../listener/http1/header-lookup.js';
import { HOP_BY_HOP, VIA_SELF } from './hop-by-hop.js';

export function forwardedResponseFields(raw: readonly string[]): string[] {
  const out: string[] = [];
  let named: Set<string> | undefined;
  let via = -1;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (HOP_BY_HOP.has(name)) {
      if (name === 'connection') {
        for (const token of value.split(',')) {
          const t = token.trim().toLowerCase();
          if (t !== '' && t !== 'close' && t !== 'keep-alive') (named ??= new Set()).add(t);
        }
      }
      continue;
    }
    if (name !== 'set-cookie') {
      // A repeated field is rare: a scan of the few names so far beats a map per response.
      const at = indexOfName(out, name);
      if (at !== -1) {
        if (!FIRST_WINS.has(name)) out[at + 1] = `${out[at + 1] as string}${name === 'cookie' ? '; ' : ', '}${value}`;
        continue;
      }
      if (name === 'via') via = out.length;
    }
    out.push(name, value);
  }
  const fields = named === undefined ? out : withoutNamed(out, named);
  if (named !== undefined) via = indexOfName(fields, 'via');
  if (via === -1) fields.push('via', VIA_SELF);
  else fields[via + 1] = `${fields[via + 1] as string}, ${VIA_SELF}`;
  return fields;
}

/** The pairs as a header object (`set-cookie` an array), for hooks that edit an object. */
export function fieldsObject(pairs: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = pairs[i] as string;
    const value = pairs[i + 1] as string;
    if (name === 'set-cookie') {
      const list = out['set-cookie'];
      if (Array.isArray(list)) list.push(value);
      else out['set-cookie'] = [value];
    } else out[name] = value;
  }
  return out;
}

function indexOfName(pairs: readonly string[], name: string): number {
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === name) return i;
  return -1;
}

function withoutNamed(pairs: readonly string[], named: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (!named.has(pairs[i] as string)) out.push(pairs[i] as string, pairs[i + 1] as string);
  return out;
}
