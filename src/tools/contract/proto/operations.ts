/**
 * One `google.api.http` binding as an OpenAPI operation, as grpc-gateway transcodes it and as its
 * openapiv2 generator describes it:
 *
 * - the path: literals kept, each variable one parameter named by its field path in JSON names
 *   (`{name=shelves/*}` is `{name}` with pattern `^shelves/[^/]+$`), the verb after a ':';
 * - `body: "*"`: the request body is the request message less the fields the path binds;
 *   `body: "field"`: that field is the body and the remaining fields are query parameters;
 *   no body: every field not in the path is a query parameter, nested messages flattened
 *   (`filter.author`), maps and repeated messages left out (they cannot be given in a query);
 * - operationId `Service_Method`, `Service_Method2`... for additional bindings; tag the service;
 * - 200 with the response (or its `response_body` field); a server stream is newline-delimited
 *   `{"result": ...}` / `{"error": ...}` objects (or server-sent events), described as such;
 *   google.api.HttpBody, as request or response, is raw content of any type; `default` the error body.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import type { JsonSchema } from '../openapi/schema.js';
import type { ProtoComments } from './comments.js';
import type { HttpBinding } from './http-rules.js';
import { wellKnown, type MessageSchemas } from './message-schemas.js';

export const STATUS_SCHEMA = 'google.rpc.Status';

/** google.api.HttpBody travels raw: its data as the body, its content_type as the Content-Type. */
const HTTP_BODY = 'google.api.HttpBody';
const RAW_BODY = { required: true, content: { '*/*': {} } };

function isHttpBody(field: DescField): boolean {
  return field.fieldKind === 'message' && field.message.typeName === HTTP_BODY;
}

export interface Operation {
  readonly path: string;
  readonly httpMethod: string;
  readonly operation: Record<string, unknown>;
}

export function operationOf(binding: HttpBinding, schemas: MessageSchemas, comments?: ProtoComments): Operation {
  const { method } = binding;
  const service = method.parent;
  const pathParams = binding.variables.map((fields, i) => pathParameter(binding, i, fields, schemas));
  const boundTop = new Set(binding.variables.filter((v) => v.length === 1).map((v) => v[0] as DescField));
  const parameters: Record<string, unknown>[] = [...pathParams];
  let requestBody: Record<string, unknown> | undefined;
  if (binding.body === '*' && method.input.typeName === HTTP_BODY) {
    requestBody = RAW_BODY;
  } else if (binding.body === '*') {
    const rest = method.input.fields.filter((f) => !boundTop.has(f));
    const schema = boundTop.size === 0 ? schemas.message(method.input) : schemas.object(rest, `The body of ${method.input.name}`);
    requestBody = { required: true, content: { 'application/json': { schema } } };
  } else {
    let skip: DescField | undefined;
    if (binding.body !== undefined) {
      const field = binding.body[binding.body.length - 1] as DescField;
      requestBody = isHttpBody(field) ? RAW_BODY : { required: true, content: { 'application/json': { schema: schemas.value(field) } } };
      if (binding.body.length === 1) skip = field;
    }
    const bound = new Set(binding.variables.map((v) => v.map((f) => f.jsonName).join('.')));
    parameters.push(...queryParameters(method.input, schemas, bound, skip));
  }
  const raw = binding.responseBody === undefined ? method.output.typeName === HTTP_BODY : isHttpBody(binding.responseBody);
  const responses = {
    '200': raw ? { description: "A successful response: the HttpBody's data with its content type.", content: { '*/*': {} } } : jsonSuccess(binding, schemas),
    default: {
      description: 'An unexpected error response.',
      content: { 'application/problem+json': { schema: { $ref: `#/components/schemas/${STATUS_SCHEMA}` } } },
    },
  };
  const operation: Record<string, unknown> = {
    ...summaryOf(comments?.of(method)),
    operationId: `${service.name}_${method.name}${binding.index === 0 ? '' : String(binding.index + 1)}`,
    tags: [service.name],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses,
    'x-grpc-method': `/${service.typeName}/${method.name}`,
    'x-path-template': binding.template.source,
    ...(method.methodKind === 'unary' ? {} : { 'x-grpc-streaming': method.methodKind }),
  };
  return { path: openApiPath(binding), httpMethod: binding.httpMethod, operation };
}

/** A method's comment: its first paragraph the summary, the rest the description. */
function summaryOf(comment: string | undefined): { summary?: string; description?: string } {
  if (comment === undefined) return {};
  const [summary = '', ...rest] = comment.split(/\n\s*\n/);
  const description = rest.join('\n\n').trim();
  return { summary: summary.replace(/\s*\n\s*/g, ' '), ...(description === '' ? {} : { description }) };
}

function jsonSuccess(binding: HttpBinding, schemas: MessageSchemas): Record<string, unknown> {
  const { method } = binding;
  const success = binding.responseBody === undefined ? schemas.message(method.output) : schemas.field(binding.responseBody);
  if (method.methodKind !== 'server_streaming' && method.methodKind !== 'bidi_streaming') {
    return { description: 'A successful response.', content: { 'application/json': { schema: success } } };
  }
  const streamed = { schema: { type: 'object', title: `Stream result of ${method.output.typeName}`, properties: { result: success, error: { $ref: `#/components/schemas/${STATUS_SCHEMA}` } } } };
  return {
    description: 'A successful response.(streaming responses): newline-delimited JSON objects (server-sent events with Accept: text/event-stream), each a result or the error that ended the stream',
    content: { 'application/json': streamed, 'text/event-stream': streamed },
  };
}

/** The template with each variable as `{json.path}` (its segments become the parameter's pattern). */
export function openApiPath(binding: HttpBinding): string {
  const { template } = binding;
  const parts: string[] = [];
  let at = 0;
  template.variables.forEach((v, i) => {
    for (; at < v.start; at++) parts.push(segmentText(template.segments[at]));
    parts.push(`{${paramName(binding, i)}}`);
    at = v.end;
  });
  for (; at < template.segments.length; at++) parts.push(segmentText(template.segments[at]));
  return `/${parts.join('/')}${template.verb === undefined ? '' : `:${template.verb}`}`;
}

/** A wildcard outside any variable has no OpenAPI spelling; the caller refuses such templates. */
export function hasBareWildcard(binding: HttpBinding): boolean {
  const inVariable = new Set(binding.template.variables.flatMap((v) => Array.from({ length: v.end - v.start }, (_, k) => v.start + k)));
  return binding.template.segments.some((s, i) => s.kind !== 'literal' && !inVariable.has(i));
}

function segmentText(segment: HttpBinding['template']['segments'][number] | undefined): string {
  return segment?.kind === 'literal' ? segment.value : '*';
}

function paramName(binding: HttpBinding, i: number): string {
  return (binding.variables[i] as readonly DescField[]).map((f) => f.jsonName).join('.');
}

function pathParameter(binding: HttpBinding, i: number, fields: readonly DescField[], schemas: MessageSchemas): Record<string, unknown> {
  const variable = binding.template.variables[i] as HttpBinding['template']['variables'][number];
  const segments = binding.template.segments.slice(variable.start, variable.end);
  const schema: Record<string, unknown> = { ...schemas.value(fields[fields.length - 1] as DescField) };
  // `{name}` is `{name=*}`: one segment, nothing to add; a longer capture says what it holds.
  if (!(segments.length === 1 && segments[0]?.kind === 'wildcard')) {
    const pattern = segments.map((s) => (s.kind === 'literal' ? escapeRegExp(s.value) : s.kind === 'wildcard' ? '[^/]+' : '.*')).join('/');
    schema.pattern = `^${pattern}$`;
  }
  return { name: paramName(binding, i), in: 'path', required: true, schema };
}

/** Well-known types grpc-gateway reads from one query value: Timestamp, Duration, FieldMask, the wrappers. */
const QUERY_WELL_KNOWN = /^google\.protobuf\.(?:Timestamp|Duration|FieldMask|(?:Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value)$/;

/** grpc-gateway's query parameters: leaves of the request reachable through singular messages. */
function queryParameters(message: DescMessage, schemas: MessageSchemas, bound: ReadonlySet<string>, skip: DescField | undefined): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (desc: DescMessage, prefix: string, seen: ReadonlySet<string>): void => {
    for (const field of desc.fields) {
      if (field === skip) continue;
      const name = prefix + field.jsonName;
      if (bound.has(name)) continue;
      if (field.fieldKind === 'map' || (field.fieldKind === 'list' && field.listKind === 'message')) continue;
      if (field.fieldKind === 'message' && !QUERY_WELL_KNOWN.test(field.message.typeName)) {
        // Struct, Value, Any, Empty...: no query spelling.
        if (wellKnown(field.message.typeName) !== undefined) continue;
        // A message that contains itself would flatten forever; grpc-gateway stops there too.
        if (seen.has(field.message.typeName)) continue;
        walk(field.message, `${name}.`, new Set([...seen, field.message.typeName]));
        continue;
      }
      out.push({ name, in: 'query', required: false, schema: schemas.value(field), ...(field.fieldKind === 'list' ? { style: 'form', explode: true } : {}) });
    }
  };
  walk(message, '', new Set([message.typeName]));
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** google.rpc.Status as the gateway's transcoded error body carries it (problem members ride along). */
export function statusSchema(): JsonSchema {
  return {
    type: 'object',
    description: "grpc-gateway's error body (the gRPC status); the gateway's problem+json members (type, title, status, detail, chain...) come with it",
    properties: {
      code: { type: 'integer', format: 'int32' },
      message: { type: 'string' },
      details: { type: 'array', items: wellKnown('google.protobuf.Any') as JsonSchema },
    },
  };
}
