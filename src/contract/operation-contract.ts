/**
 * One OpenAPI operation compiled for the edge: which parameters come from where and how their
 * strings become typed values (OpenAPI's `style`/`explode` defaults: query `form` exploded, path
 * and header `simple`), one validator for the whole request and one per declared response, all
 * made with ajv once, when the config loads. The request is validated as one instance
 * `{ path, query, headers, body }`, so every violation comes back at once with a pointer that
 * names where it is (`/query/limit`, `/body/age`).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { ContractLoadError, deref, type Json, type OpenapiDocument } from './openapi-document.js';

// ajv-formats is CommonJS with its function as `default`.
/** ajv-formats is required when the first contract is compiled: a worker without contracts never loads it. */
const require = createRequire(import.meta.url);

export type ParameterLocation = 'path' | 'query' | 'header';

export interface Parameter {
  readonly name: string;
  readonly in: ParameterLocation;
  /** Scalar types of the schema (`integer`, `boolean`...), to turn strings into values. */
  readonly types: readonly string[];
  /** Scalar types of an array's items. */
  readonly itemTypes: readonly string[];
  /** Query `form` with `explode: false`, or any `simple` style: items separated by commas. */
  readonly commaSeparated: boolean;
}

export interface ResponseContract {
  /** Validates `{ body }`; undefined when the response declares no JSON body. */
  readonly validate: ValidateFunction | undefined;
  /** Media types the response declares ([] when it declares no content). */
  readonly mediaTypes: readonly string[];
}

export interface OperationContract {
  readonly operationId: string;
  readonly parameters: readonly Parameter[];
  readonly validateRequest: ValidateFunction;
  /** The request body's media types ([] when the operation takes none). */
  readonly requestMediaTypes: readonly string[];
  /** Whether a JSON request body is validated. */
  readonly jsonBody: boolean;
  readonly responses: ReadonlyMap<string, ResponseContract>;
}

export interface Violation {
  readonly pointer: string;
  readonly message: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** OpenAPI 3.x: header parameters with these names are ignored. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

export function isJsonMediaType(type: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim());
}

/** Ajv per document: its schemas compiled against the document's components. */
export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true });
  (require('ajv-formats') as (ajv: Ajv2020) => Ajv2020)(ajv);
  return ajv;
}

/** `routeParams`: the names the route's path captures. */
export function compileOperation(doc: OpenapiDocument, ajv: Ajv2020, operationId: string, routeParams: readonly string[]): OperationContract {
  const found = findOperation(doc, operationId);
  const parameters: Parameter[] = [];
  const props: Record<ParameterLocation, { properties: Json; required: string[] }> = {
    path: { properties: {}, required: [] },
    query: { properties: {}, required: [] },
    header: { properties: {}, required: [] },
  };
  // Operation-level parameters override path-level ones of the same name and location.
  const byKey = new Map<string, Json>();
  for (const raw of [...found.pathParameters, ...found.parameters]) {
    const p = deref(doc, raw);
    byKey.set(`${String(p['in'])}:${String(p['name'])}`, p);
  }
  for (const p of byKey.values()) {
    const where = p['in'];
    if (where !== 'path' && where !== 'query' && where !== 'header') continue; // cookie: not checked
    const name = where === 'header' ? String(p['name']).toLowerCase() : String(p['name']);
    if (where === 'header' && IGNORED_HEADERS.has(name)) continue;
    if (where === 'path' && !routeParams.includes(name)) {
      throw new ContractLoadError('operation', `${operationId} has path parameter '${name}', which the route's path does not capture (it has ${routeParams.length === 0 ? 'none' : routeParams.map((n) => `{${n}}`).join(', ')})`);
    }
    const schema = (p['schema'] ?? {}) as Json;
    const resolved = safeDeref(doc, schema);
    const items = resolved['items'] === undefined ? {} : safeDeref(doc, resolved['items']);
    const style = p['style'] ?? (where === 'query' ? 'form' : 'simple');
    const explode = (p['explode'] as boolean | undefined) ?? style === 'form';
    parameters.push({ name, in: where, types: typesOf(resolved), itemTypes: typesOf(items), commaSeparated: style === 'simple' || (style === 'form' && !explode) });
    props[where].properties[name] = schema;
    if (p['required'] === true || where === 'path') props[where].required.push(name);
  }

  const request: Json = {
    type: 'object',
    properties: {
      path: { type: 'object', ...props.path },
      query: { type: 'object', ...props.query },
      headers: { type: 'object', ...props.header },
    },
    required: [] as string[],
  };
  let requestMediaTypes: string[] = [];
  let jsonBody = false;
  if (found.operation['requestBody'] !== undefined) {
    const body = deref(doc, found.operation['requestBody']);
    const content = (body['content'] ?? {}) as Record<string, Json>;
    requestMediaTypes = Object.keys(content);
    const json = requestMediaTypes.find(isJsonMediaType);
    if (json !== undefined) {
      jsonBody = true;
      (request['properties'] as Json)['body'] = (content[json] as Json)['schema'] ?? {};
      if (body['required'] === true) (request['required'] as string[]).push('body');
    }
  }
  const validateRequest = compile(ajv, doc, request, `the request of ${operationId}`);

  const responses = new Map<string, ResponseContract>();
  for (const [code, raw] of Object.entries((found.operation['responses'] ?? {}) as Json)) {
    const response = deref(doc, raw);
    const content = (response['content'] ?? {}) as Record<string, Json>;
    const mediaTypes = Object.keys(content);
    const json = mediaTypes.find(isJsonMediaType);
    const schema = json === undefined ? undefined : (content[json] as Json)['schema'];
    const validate = schema === undefined ? undefined : compile(ajv, doc, { type: 'object', properties: { body: schema } }, `response ${code} of ${operationId}`);
    responses.set(code.toUpperCase(), { validate, mediaTypes });
  }
  return { operationId, parameters, validateRequest, requestMediaTypes, jsonBody, responses };
}

/** The declared response for a status: exact, then `5XX`-style ranges, then `default`. */
export function responseFor(contract: OperationContract, status: number): ResponseContract | undefined {
  return contract.responses.get(String(status)) ?? contract.responses.get(`${Math.floor(status / 100)}XX`) ?? contract.responses.get('DEFAULT');
}

/** Ajv's errors as pointers into the instance and short messages. */
export function violationsOf(errors: readonly ErrorObject[] | null | undefined): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      pointer += `/${escapePointer(String((e.params as { additionalProperty: string }).additionalProperty))}`;
      message = 'is not allowed';
    } else if (e.keyword === 'required') {
      pointer += `/${escapePointer(String((e.params as { missingProperty: string }).missingProperty))}`;
      message = 'is required';
    } else if (e.keyword === 'unevaluatedProperties') {
      pointer += `/${escapePointer(String((e.params as { unevaluatedProperty: string }).unevaluatedProperty))}`;
      message = 'is not allowed';
    }
    const key = `${pointer}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message });
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function compile(ajv: Ajv2020, doc: OpenapiDocument, schema: Json, what: string): ValidateFunction {
  try {
    // The components beside the schema: `#/components/...` resolves in the same root.
    return ajv.compile({ ...schema, components: doc.root['components'] ?? {} });
  } catch (err) {
    throw new ContractLoadError('spec', `${doc.file}: the schema of ${what} does not compile: ${(err as Error).message}`);
  }
}

function findOperation(doc: OpenapiDocument, operationId: string): { operation: Json; parameters: unknown[]; pathParameters: unknown[] } {
  const ids: string[] = [];
  for (const [, rawItem] of Object.entries((doc.root['paths'] ?? {}) as Json)) {
    const item = deref(doc, rawItem);
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (operation === undefined || operation === null) continue;
      const id = operation['operationId'];
      if (typeof id === 'string') ids.push(id);
      if (id === operationId) {
        return { operation, parameters: (operation['parameters'] as unknown[] | undefined) ?? [], pathParameters: (item['parameters'] as unknown[] | undefined) ?? [] };
      }
    }
  }
  const near = ids.filter((id) => id.toLowerCase() === operationId.toLowerCase());
  throw new ContractLoadError('operation', `${doc.file} has no operation with operationId '${operationId}'${near.length > 0 ? ` (did you mean '${near[0]}'?)` : ids.length > 0 ? ` (it has ${ids.slice(0, 10).join(', ')})` : ''}`);
}

function safeDeref(doc: OpenapiDocument, value: unknown): Json {
  return value !== null && typeof value === 'object' ? deref(doc, value) : {};
}

function typesOf(schema: Json): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}
