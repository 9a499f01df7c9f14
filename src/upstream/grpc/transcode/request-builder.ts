/**
 * Builds the gRPC request message of a matched binding, in grpc-gateway v2's order: the body
 * first, then the path variables (so the path wins over the body), then the query parameters
 * into the fields neither binds (none when `body: "*"`, as the generated handlers skip them).
 *
 * - `body: "*"`: the whole body is the request; `body: "field"`: the body is that field;
 *   none: the body is not read. An empty body is an empty message (the generated handlers
 *   accept io.EOF). Unknown JSON fields are ignored (the marshaler's DiscardUnknown).
 * - A body bound to google.api.HttpBody takes the raw bytes and the Content-Type.
 * - PATCH with `body` bound to a field and an empty `update_mask` (google.protobuf.FieldMask):
 *   the mask is built from the body's JSON keys (field-mask.ts).
 *
 * Every failure is a TranscodeError with INVALID_ARGUMENT (400) naming the field.
 */
import { create, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import type { Registry } from '@bufbuild/protobuf';
import type { Binding } from './bindings.js';
import type { JsonCodec } from './message-json.js';
import type { PathValues } from './path-template.js';
import { applyQuery, setPathValue, UrlFieldError } from './url-fields.js';
import { FieldMaskError, fieldMaskFromBody } from './field-mask.js';
import { failure } from './error-response.js';

const INVALID_ARGUMENT = 3;
export const HTTP_BODY = 'google.api.HttpBody';

export interface RequestParts {
  readonly values: PathValues;
  readonly query: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

export interface BuildContext {
  readonly codec: JsonCodec;
  readonly registry: Registry;
  readonly rejectUnknownQuery: boolean;
}

export function buildRequest(binding: Binding, parts: RequestParts, ctx: BuildContext): Message {
  const input = binding.method.input;
  let message: Message = create(input);
  let bodyJson: JsonValue | undefined;
  const body = binding.body;
  if (body === '*') {
    if (input.typeName === HTTP_BODY) message = httpBody(input, parts);
    else {
      bodyJson = parseJson(parts.body);
      if (bodyJson !== undefined) message = decode(ctx.codec, input, bodyJson, undefined);
    }
  } else if (body !== undefined) {
    const last = body[body.length - 1] as DescField;
    if (last.fieldKind === 'message' && last.message.typeName === HTTP_BODY) {
      let holder: ReflectMessage = reflect(input, message);
      for (const f of body.slice(0, -1)) {
        if (f.fieldKind !== 'message') break;
        if (!holder.isSet(f)) holder.set(f, reflect(f.message));
        holder = holder.get(f);
      }
      holder.set(last, reflect(last.message, httpBody(last.message, parts)));
    } else {
      bodyJson = parseJson(parts.body);
      if (bodyJson !== undefined) message = decode(ctx.codec, input, nest(body, bodyJson), body);
    }
  }

  const r = reflect(input, message);
  for (const v of binding.variables) {
    const value = parts.values.get(v.name);
    if (value === undefined) throw failure('SY_ERR_TRANSCODE_BAD_PATH', INVALID_ARGUMENT, `missing parameter ${v.name}`);
    try {
      setPathValue(r, v.fields, value, ctx.registry);
    } catch (err) {
      if (err instanceof UrlFieldError) throw failure('SY_ERR_TRANSCODE_BAD_PATH', INVALID_ARGUMENT, err.message);
      throw err;
    }
  }

  if (body !== '*') {
    const bound = binding.variables.map((v) => v.fields);
    if (body !== undefined) bound.push(body);
    try {
      applyQuery(r, parts.query, { bound, rejectUnknown: ctx.rejectUnknownQuery, registry: ctx.registry });
    } catch (err) {
      if (err instanceof UrlFieldError) throw failure('SY_ERR_TRANSCODE_BAD_QUERY', INVALID_ARGUMENT, err.message);
      throw err;
    }
  }

  if (binding.httpMethod === 'PATCH' && Array.isArray(body) && bodyJson !== undefined) addUpdateMask(r, input, body, bodyJson);
  return r.message;
}

/** grpc-gateway's generated PATCH handlers: an empty `update_mask` becomes the body's paths. */
function addUpdateMask(r: ReflectMessage, input: DescMessage, body: readonly DescField[], bodyJson: JsonValue): void {
  const maskField = input.fields.find((f) => f.name === 'update_mask');
  const bodyField = body[body.length - 1] as DescField;
  if (maskField?.fieldKind !== 'message' || maskField.message.typeName !== 'google.protobuf.FieldMask' || bodyField.fieldKind !== 'message') return;
  if (r.isSet(maskField)) {
    const paths = (r.get(maskField).message as unknown as { paths: string[] }).paths;
    if (paths.length > 0) return;
  }
  let paths: string[];
  try {
    paths = fieldMaskFromBody(bodyJson, bodyField.message);
  } catch (err) {
    if (err instanceof FieldMaskError) throw failure('SY_ERR_TRANSCODE_BAD_JSON', INVALID_ARGUMENT, err.message);
    throw err;
  }
  r.set(maskField, reflect(maskField.message, create(maskField.message, { paths } as never)));
}

function httpBody(schema: DescMessage, parts: RequestParts): Message {
  return create(schema, { contentType: parts.contentType ?? '', data: new Uint8Array(parts.body) } as never);
}

/** The body as JSON; undefined for an empty body. */
function parseJson(body: Buffer): JsonValue | undefined {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw failure('SY_ERR_TRANSCODE_BAD_JSON', INVALID_ARGUMENT, `the request body is not JSON: ${(err as Error).message}`);
  }
}

/** `{ "a": { "b": json } }` for body `a.b`, by JSON names. */
function nest(fields: readonly DescField[], json: JsonValue): JsonObject {
  let out: JsonValue = json;
  for (let i = fields.length - 1; i >= 0; i--) out = { [(fields[i] as DescField).jsonName]: out };
  return out as JsonObject;
}

function decode(codec: JsonCodec, schema: DescMessage, json: JsonValue, body: readonly DescField[] | undefined): Message {
  try {
    return codec.read(schema, json);
  } catch (err) {
    let field: string | undefined;
    try {
      field = badField(codec, schema, json);
    } catch {
      // a body nested deeper than the stack allows: the error is reported without the field
    }
    const target = body === undefined ? schema.typeName : `the field '${body.map((f) => f.name).join('.')}' (${(body[body.length - 1] as DescField).message?.typeName ?? 'a value'})`;
    throw failure('SY_ERR_TRANSCODE_BAD_JSON', INVALID_ARGUMENT, `${field === undefined ? '' : `invalid value at '${field}': `}the request body does not match ${target}: ${(err as Error).message}`);
  }
}

/**
 * The JSON path of the member that fails to decode, found by decoding the members one at a time
 * (only on the error path): @bufbuild/protobuf's messages name a well-known type's problem but
 * not always the field that holds it.
 */
function badField(codec: JsonCodec, schema: DescMessage, json: JsonValue): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  for (const [key, value] of Object.entries(json)) {
    try {
      codec.read(schema, { [key]: value });
    } catch {
      const field = schema.fields.find((f) => f.jsonName === key || f.name === key);
      const inner = field?.fieldKind === 'message' && !field.message.typeName.startsWith('google.protobuf.') ? badField(codec, field.message, value) : undefined;
      return inner === undefined ? key : `${key}.${inner}`;
    }
  }
  return undefined;
}
