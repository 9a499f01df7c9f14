/**
 * A session as PHP's default `php` serialize handler writes it (ext/session/session.c,
 * PS_SERIALIZER_DECODE_FUNC(php)): `name|<serialized value>` repeated, names up to the first `|`.
 * Values may hold `|` themselves (inside strings, whose byte length is written before them), so
 * the split is by parsing each value, never by searching for the next `|`. An empty file is an
 * empty session. Anything else that does not parse is an error saying where.
 */
import { PhpReader, UnserializeError, type PhpValue } from './php-unserialize.js';

const PIPE = 0x7c;

export function decodeSession(bytes: Buffer): Record<string, PhpValue> {
  const session: Record<string, PhpValue> = {};
  const reader = new PhpReader(bytes);
  while (!reader.done) {
    const name = reader.until(PIPE).toString('utf8');
    if (name === '') reader.fail('empty session variable name');
    Object.defineProperty(session, name, { value: reader.value(), enumerable: true, writable: true, configurable: true });
  }
  return session;
}

export { UnserializeError };
