/**
 * Puts values from the URL into the request message: path variables (`setPathValue`) and query
 * parameters (`applyQuery`), as grpc-gateway v2's generated handlers and its DefaultQueryParser
 * do (runtime/query.go):
 *
 * - a query key is a dotted field path (`filter.author.name`), each part a proto name or a JSON
 *   name; every part but the last must be a singular message field;
 * - `key[k]=v` sets the map entry `k` of the map field `key`;
 * - a repeated field takes every value of its key (`?tag=a&tag=b`); a singular field given twice
 *   is an error ("too many values");
 * - a key that names no field is ignored (grpc-gateway v2 logs it and goes on), or refused with
 *   `unknownQueryParameters: reject`;
 * - fields bound by the path or the body are skipped, so the path and the body win over the query;
 * - a oneof member cannot be set when another member (or itself) already is.
 */
import type { DescField, DescMessage, Registry } from '@bufbuild/protobuf';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { reflect } from '@bufbuild/protobuf/reflect';
import { FieldValueError, parseEnum, parseMessageValue, parseScalar } from './field-value.js';

/** A URL value that cannot go into the message; `field` is the dotted name as given. */
export class UrlFieldError extends Error {
  override readonly name = 'UrlFieldError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parses `value` for a singular field (or one element of a repeated one). */
function elementValue(field: DescField, value: string, registry: Registry): unknown {
  if (field.fieldKind === 'scalar' || (field.fieldKind === 'list' && field.listKind === 'scalar')) return parseScalar(field.scalar, value, field.longAsString);
  if (field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum')) return parseEnum(field.enum, value);
  if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) return reflect(field.message, parseMessageValue(field.message, value, registry));
  throw new FieldValueError('a map cannot be given this way (use key[name]=value)');
}

/** The message that holds the last field of `fields`, creating the messages on the way. */
function holder(root: ReflectMessage, fields: readonly DescField[]): ReflectMessage {
  let m = root;
  for (const f of fields.slice(0, -1)) {
    if (f.fieldKind !== 'message') throw new FieldValueError(`'${f.name}' is not a message`);
    if (!m.isSet(f)) m.set(f, reflect(f.message));
    m = m.get(f);
  }
  return m;
}

/**
 * A path variable's value into its field: a repeated field takes a comma-separated list, as the
 * generated handlers' runtime.*Slice converters split it.
 */
export function setPathValue(root: ReflectMessage, fields: readonly DescField[], value: string, registry: Registry): void {
  const name = fields.map((f) => f.name).join('.');
  const field = fields[fields.length - 1] as DescField;
  try {
    const m = holder(root, fields);
    if (field.fieldKind === 'list') {
      const list = m.get(field);
      list.clear();
      for (const part of value.split(',')) list.add(elementValue(field, part, registry));
    } else m.set(field, elementValue(field, value, registry));
  } catch (err) {
    if (err instanceof FieldValueError) throw new UrlFieldError(name, `type mismatch, parameter: ${name}, error: ${err.message}`);
    throw err;
  }
}

export interface QueryOptions {
  /** Field paths bound by the path or the body: query keys under them are skipped. */
  readonly bound: readonly (readonly DescField[])[];
  readonly rejectUnknown: boolean;
  readonly registry: Registry;
}

/** Query parameters into `root`, in the order they first appear. */
export function applyQuery(root: ReflectMessage, query: string, options: QueryOptions): void {
  for (const [rawKey, values] of groupQuery(query)) {
    let key = rawKey;
    let entry: string[] = values;
    const mapKey = /^(.*)\[(.*)\]$/.exec(rawKey);
    if (mapKey !== null) {
      key = mapKey[1] as string;
      entry = [mapKey[2] as string, ...values];
    }
    const fields = findFields(root.desc, key.split('.'));
    if (fields === undefined) {
      if (options.rejectUnknown) throw new UrlFieldError(rawKey, `unknown query parameter '${rawKey}': no field of ${root.desc.typeName} has that name`);
      continue;
    }
    if (typeof fields === 'string') throw new UrlFieldError(rawKey, fields);
    if (options.bound.some((b) => b.every((f, i) => fields[i] === f))) continue;
    try {
      setQueryValue(root, fields, entry, options.registry);
    } catch (err) {
      if (err instanceof FieldValueError) throw new UrlFieldError(rawKey, `parsing field '${key}': ${err.message}`);
      throw err;
    }
  }
}

function setQueryValue(root: ReflectMessage, fields: readonly DescField[], values: readonly string[], registry: Registry): void {
  const m = holder(root, fields);
  const field = fields[fields.length - 1] as DescField;
  if (field.oneof !== undefined && m.oneofCase(field.oneof) !== undefined) throw new FieldValueError(`a field of the oneof '${field.oneof.name}' is already set`);
  if (field.fieldKind === 'list') {
    const list = m.get(field);
    for (const v of values) list.add(elementValue(field, v, registry));
    return;
  }
  if (field.fieldKind === 'map') {
    if (values.length !== 2) throw new FieldValueError(`more than one value given for key '${values[0] ?? ''}' of the map`);
    const key = parseScalar(field.mapKey, values[0] as string);
    const raw = values[1] as string;
    const value = field.mapKind === 'scalar' ? parseScalar(field.scalar, raw) : field.mapKind === 'enum' ? parseEnum(field.enum, raw) : reflect(field.message, parseMessageValue(field.message, raw, registry));
    m.get(field).set(key, value);
    return;
  }
  if (values.length > 1) throw new FieldValueError(`too many values: ${values.join(', ')}`);
  m.set(field, elementValue(field, values[0] as string, registry));
}

/**
 * Field path by proto or JSON names; undefined when a name matches nothing (an unknown
 * parameter), a sentence when it goes through a field that is not a singular message.
 */
function findFields(message: DescMessage, path: readonly string[]): DescField[] | string | undefined {
  const fields: DescField[] = [];
  let current = message;
  for (const [i, name] of path.entries()) {
    const field = current.fields.find((f) => f.name === name) ?? current.fields.find((f) => f.jsonName === name);
    if (field === undefined) return undefined;
    fields.push(field);
    if (i === path.length - 1) break;
    if (field.fieldKind !== 'message') return `invalid path: '${name}' is not a message`;
    current = field.message;
  }
  return fields;
}

/** Query string to (key, values) in first-appearance order, decoded as Go's url.ParseQuery does ('+' is a space). */
function groupQuery(query: string): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  if (query === '') return grouped;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeQueryPart(eq === -1 ? '' : pair.slice(eq + 1));
    const list = grouped.get(key);
    if (list === undefined) grouped.set(key, [value]);
    else list.push(value);
  }
  return grouped;
}

function decodeQueryPart(part: string): string {
  const spaced = part.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new UrlFieldError(part, `the query has a malformed percent-escape in '${part}'`);
  }
}
