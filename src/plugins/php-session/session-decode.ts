/**
 * A session as PHP's serialize handlers write it (ext/session/session.c). `php`, the default
 * (PS_SERIALIZER_DECODE_FUNC(php)): `name|<serialized value>` repeated, names up to the first `|`.
 * Values may hold `|` themselves (inside strings, whose byte length is written before them), so
 * the split is by parsing each value, never by searching for the next `|`. `php_serialize`: the
 * whole of $_SESSION as one serialize() array. Anything that does not parse is an error saying
 * where. (`php_binary` is not read: nothing current writes it.)
 */
import { PhpReader, UnserializeError, unserialize, type PhpValue } from './php-unserialize.js';

export type SessionSerializer = 'php' | 'php_serialize';

const PIPE = 0x7c;

export function decodeSession(bytes: Buffer, serializer: SessionSerializer = 'php'): Record<string, PhpValue> {
  if (serializer === 'php_serialize') return wholeArray(bytes);
  const session: Record<string, PhpValue> = {};
  const reader = new PhpReader(bytes);
  while (!reader.done) {
    const name = reader.until(PIPE).toString('utf8');
    if (name === '') reader.fail('empty session variable name');
    Object.defineProperty(session, name, { value: reader.value(), enumerable: true, writable: true, configurable: true });
  }
  return session;
}

function wholeArray(bytes: Buffer): Record<string, PhpValue> {
  const value = unserialize(bytes);
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    throw new UnserializeError('a php_serialize session is an array of named variables, not a list');
  }
  if (value === null || typeof value !== 'object') throw new UnserializeError('a php_serialize session is not a serialized array');
  return value;
}

export { UnserializeError };
