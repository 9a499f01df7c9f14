/**
 * The FieldMask grpc-gateway v2 builds for a PATCH whose `body` is a message field when the
 * request leaves `update_mask` empty (runtime/fieldmask.go FieldMaskFromRequestBody): every
 * complete path of the body's JSON object, walked breadth first, with proto field names found by
 * proto or JSON name. Inside google.protobuf.Struct and Value the JSON keys are taken as they
 * are; a repeated or map field ends its path and only one is allowed, placed last (FieldMask's
 * rule that a repeated field must be last). A key naming no field is an error, although the body
 * itself ignores unknown fields.
 */
import type { DescMessage, JsonValue } from '@bufbuild/protobuf';

export class FieldMaskError extends Error {
  override readonly name = 'FieldMaskError';
}

interface Item {
  readonly path: string;
  readonly node: JsonValue;
  readonly message: DescMessage | undefined;
}

export function fieldMaskFromBody(json: JsonValue, message: DescMessage): string[] {
  const paths: string[] = [];
  let repeated: string | undefined;
  const queue: Item[] = [{ path: '', node: json, message }];
  while (queue.length > 0) {
    const item = queue.shift() as Item;
    if (isObject(item.node)) {
      for (const [key, value] of Object.entries(item.node)) {
        if (item.message === undefined) throw new FieldMaskError('the JSON body does not match the request type');
        const field = item.message.fields.find((f) => f.name === key) ?? item.message.fields.find((f) => f.jsonName === key);
        if (field === undefined) throw new FieldMaskError(`could not find field '${key}' in ${item.message.typeName}`);
        const path = item.path === '' ? field.name : `${item.path}.${field.name}`;
        if (field.fieldKind === 'message' && (field.message.typeName === 'google.protobuf.Struct' || field.message.typeName === 'google.protobuf.Value')) {
          for (const p of blindPaths(key, value)) queue.push({ path: item.path === '' ? p : `${item.path}.${p}`, node: null, message: undefined });
          continue;
        }
        if (field.fieldKind === 'list' || field.fieldKind === 'map') {
          if (repeated !== undefined) throw new FieldMaskError('only one repeated value is allowed per field_mask');
          repeated = path;
          continue;
        }
        queue.push({ path, node: value, message: field.fieldKind === 'message' ? field.message : undefined });
      }
    } else if (item.path !== '') paths.push(item.path);
  }
  if (repeated !== undefined) paths.push(repeated);
  return paths;
}

/** Paths of a Struct's JSON by its keys alone. */
function blindPaths(name: string, value: JsonValue): string[] {
  if (!isObject(value)) return [name];
  const paths: string[] = [];
  const queue: { path: string; node: JsonValue }[] = [{ path: name, node: value }];
  while (queue.length > 0) {
    const cur = queue.shift() as { path: string; node: JsonValue };
    if (!isObject(cur.node)) continue;
    for (const [k, v] of Object.entries(cur.node)) {
      if (isObject(v)) queue.push({ path: `${cur.path}.${k}`, node: v });
      else paths.push(`${cur.path}.${k}`);
    }
  }
  return paths;
}

function isObject(json: JsonValue): json is { [k: string]: JsonValue } {
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}
