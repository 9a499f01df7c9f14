/**
 * Header (and trailer) fields the gateway writes, from an OutgoingHttpHeaders-like object or from
 * [name, value, ...] pairs as rawHeaders holds them, turned into `name: value\r\n` lines. Every
 * name must be a token and every value free of CR, LF, NUL and other controls (RFC 9110 §5.5), the
 * same rule as node's validateHeaderValue: a value taken from a request or a config cannot inject a
 * line or a second response. Characters beyond latin1 are refused too, so writing the head as
 * latin1 never alters it.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { TOKEN } from './chars.js';
import { Http1Error } from './http1-error.js';

export type OutgoingFields = OutgoingHttpHeaders | readonly string[];

/**
 * Hands every field line of `fields` to `sink.field(name, value)`, an array value giving one line
 * per element. A sink object rather than a callback, so a caller reusing one sink allocates
 * nothing per response.
 */
export function eachField(fields: OutgoingFields, sink: FieldSink): void {
  if (isPairs(fields)) {
    for (let i = 0; i + 1 < fields.length; i += 2) sink.field(fields[i] as string, fields[i + 1] as string);
    return;
  }
  for (const name in fields) {
    const value = fields[name];
    if (value === undefined) continue;
    if (typeof value === 'string') sink.field(name, value);
    else if (Array.isArray(value)) for (const v of value) sink.field(name, String(v));
    else sink.field(name, String(value));
  }
}

export interface FieldSink {
  field(name: string, value: string): void;
}

function isPairs(fields: OutgoingFields): fields is readonly string[] {
  return Array.isArray(fields);
}

/** `name: value\r\n`, after checking both. */
export function fieldLine(name: string, value: string): string {
  checkName(name);
  checkValue(name, value);
  return `${name}: ${value}\r\n`;
}

function checkName(name: string): void {
  if (name.length === 0) throw new Http1Error('outgoing', 'invalid-header-name', 'empty');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1) throw new Http1Error('outgoing', 'invalid-header-name', JSON.stringify(name));
  }
}

function checkValue(name: string, value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) throw new Http1Error('outgoing', 'invalid-header-value', `${name} holds character 0x${c.toString(16)}`);
  }
}
