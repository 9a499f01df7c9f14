/**
 * Turns one text value from a URL (a path variable or a query parameter) into the value of a
 * protobuf field, with the rules of grpc-gateway v2's runtime/query.go `parseField` and
 * `parseMessage`: Go's strconv syntax for numbers and booleans, enums by name or number,
 * base64 (standard or URL-safe) for bytes, RFC 3339 for Timestamp, Go duration syntax (`1h30m`)
 * for Duration, comma-separated paths for FieldMask, JSON for Struct and Value, and the wrapper
 * types by their wrapped value. Each failure is a lowercase sentence (the caller names the field).
 *
 * Written here because these are not JSON rules (`?flag=t` and `?d=90s` are grpc-gateway's, not
 * proto3 JSON's), so @bufbuild/protobuf's fromJson alone cannot parse them.
 */
import { create, fromJson, ScalarType, type DescEnum, type DescMessage, type JsonValue, type Message, type Registry } from '@bufbuild/protobuf';
import { wrapperScalars } from '../../../proto/wrapper-types.js';

export class FieldValueError extends Error {
  override readonly name = 'FieldValueError';
}

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
const INT = /^[+-]?\d+$/;
const UINT = /^\+?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** A scalar field's value as @bufbuild/protobuf holds it (bigint for 64-bit integers unless `longAsString`). */
export function parseScalar(type: ScalarType, value: string, longAsString = false): unknown {
  switch (type) {
    case ScalarType.BOOL:
      if (BOOL_TRUE.has(value)) return true;
      if (BOOL_FALSE.has(value)) return false;
      throw new FieldValueError(`'${value}' is not a boolean`);
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return Number(parseInteger(value, INT, -(2n ** 31n), 2n ** 31n - 1n, 'a 32-bit integer'));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Number(parseInteger(value, UINT, 0n, 2n ** 32n - 1n, 'an unsigned 32-bit integer'));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64: {
      const n = parseInteger(value, INT, -(2n ** 63n), 2n ** 63n - 1n, 'a 64-bit integer');
      return longAsString ? n.toString() : n;
    }
    case ScalarType.UINT64:
    case ScalarType.FIXED64: {
      const n = parseInteger(value, UINT, 0n, 2n ** 64n - 1n, 'an unsigned 64-bit integer');
      return longAsString ? n.toString() : n;
    }
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      if (!FLOAT.test(value)) throw new FieldValueError(`'${value}' is not a number`);
      const lower = value.toLowerCase().replace(/^\+/, '');
      const n = lower === 'nan' ? NaN : lower.endsWith('inf') || lower.endsWith('infinity') ? (lower.startsWith('-') ? -Infinity : Infinity) : Number(value);
      // Go's ParseFloat(s, 32) reports a value beyond float32's range as an error
      if (type === ScalarType.FLOAT && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) throw new FieldValueError(`'${value}' is out of range for a float`);
      return n;
    }
    case ScalarType.STRING:
      return value;
    case ScalarType.BYTES:
      return parseBytes(value);
  }
}

function parseInteger(value: string, syntax: RegExp, min: bigint, max: bigint, what: string): bigint {
  if (!syntax.test(value)) throw new FieldValueError(`'${value}' is not ${what}`);
  const n = BigInt(value.replace(/^\+/, ''));
  if (n < min || n > max) throw new FieldValueError(`'${value}' is out of range for ${what}`);
  return n;
}

// runtime.Bytes: standard base64 first, then URL-safe; both with padding, as Go's decoders want.
const BASE64_STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64_URL = /^(?:[A-Za-z0-9\-_]{4})*(?:[A-Za-z0-9\-_]{2}==|[A-Za-z0-9\-_]{3}=)?$/;

export function parseBytes(value: string): Uint8Array {
  if (BASE64_STD.test(value)) return new Uint8Array(Buffer.from(value, 'base64'));
  if (BASE64_URL.test(value)) return new Uint8Array(Buffer.from(value, 'base64url'));
  throw new FieldValueError(`'${value}' is not base64`);
}

/** An enum value by name, else by number; a number the enum does not declare is refused (grpc-gateway). */
export function parseEnum(desc: DescEnum, value: string): number {
  const byName = desc.values.find((v) => v.name === value);
  if (byName !== undefined) return byName.number;
  if (/^[+-]?\d+$/.test(value)) {
    const byNumber = desc.values.find((v) => v.number === Number(value));
    if (byNumber !== undefined) return byNumber.number;
  }
  throw new FieldValueError(`'${value}' is not a value of ${desc.typeName}`);
}

/** A message-typed field from text: only the well-known types grpc-gateway's parseMessage takes. */
export function parseMessageValue(desc: DescMessage, value: string, registry: Registry): Message {
  const wrapped = wrapperScalars[desc.typeName];
  if (wrapped !== undefined) return create(desc, { value: parseScalar(wrapped, value) } as never);
  switch (desc.typeName) {
    case 'google.protobuf.Timestamp':
      return fromJsonOrFail(desc, value, registry, `'${value}' is not an RFC 3339 timestamp`);
    case 'google.protobuf.Duration': {
      const nanos = parseGoDuration(value);
      const seconds = nanos / 1_000_000_000n;
      return create(desc, { seconds, nanos: Number(nanos - seconds * 1_000_000_000n) } as never);
    }
    case 'google.protobuf.FieldMask':
      return create(desc, { paths: value.split(',') } as never);
    case 'google.protobuf.Struct':
    case 'google.protobuf.Value': {
      let json: JsonValue;
      try {
        json = JSON.parse(value) as JsonValue;
      } catch {
        throw new FieldValueError(`'${value}' is not JSON`);
      }
      return fromJsonOrFail(desc, json, registry, `'${value}' is not a ${desc.typeName}`);
    }
    default:
      throw new FieldValueError(`a ${desc.typeName} cannot be given in the URL`);
  }
}

function fromJsonOrFail(desc: DescMessage, json: JsonValue, registry: Registry, message: string): Message {
  try {
    return fromJson(desc, json, { registry });
  } catch {
    throw new FieldValueError(message);
  }
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = { ns: 1n, us: 1_000n, µs: 1_000n, μs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** Go's time.ParseDuration (`1h30m`, `-1.5s`, `300ms`, `0`), in nanoseconds. */
export function parseGoDuration(value: string): bigint {
  const bad = () => new FieldValueError(`'${value}' is not a duration (such as 1h30m, 1.5s or 300ms)`);
  let rest = value;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw bad();
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (m === null || (m[1] === '' && (m[2] ?? '') === '')) throw bad();
    const unit = DURATION_UNITS[m[3] as string] as bigint;
    const whole = BigInt(m[1] === '' ? '0' : (m[1] as string));
    const frac = m[2] ?? '';
    let ns = whole * unit;
    if (frac !== '') ns += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += ns;
    rest = rest.slice(m[0].length);
  }
  if (total > 2n ** 63n - 1n) throw bad();
  return sign * total;
}
