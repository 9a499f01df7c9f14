/**
 * Reads an OpenAPI 3.x document (JSON or YAML) for the client generator and lists its operations:
 * each operationId with its method, path template and request media type, which the generated
 * client's runtime needs and openapi-typescript's types do not carry.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { SwitchyardError } from '../../../errors.js';

/** OpenAPI 3.1 §4.8.9 (Path Item Object): the fixed fields that are operations. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OperationRoute {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** The request body's media type: JSON when offered, else the first listed. */
  readonly mediaType?: string;
}

export interface OpenApiInput {
  readonly document: Record<string, unknown>;
  readonly operations: readonly OperationRoute[];
  /** Operations without an operationId, which get no method (`GET /x`). */
  readonly unnamed: readonly string[];
}

export async function readOpenApi(file: string, cwd: string): Promise<OpenApiInput> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `${file}: no such file`);
    throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `${file}: ${code ?? String(err)}`, { cause: err });
  }
  let document: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    document = parse(text);
  } catch (err) {
    throw bad(file, `not JSON or YAML (${(err as Error).message.split('\n')[0] ?? ''})`);
  }
  if (!isObject(document)) throw bad(file, 'not an OpenAPI document (no top-level object)');
  if (typeof document.swagger === 'string') throw bad(file, `Swagger ${document.swagger} is not supported; convert it to OpenAPI 3`);
  if (typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw bad(file, `"openapi" must be 3.0.x or 3.1.x, found ${JSON.stringify(document.openapi ?? null)}`);
  }
  checkReferences(file, document);
  const paths = document.paths ?? {};
  if (!isObject(paths)) throw bad(file, '"paths" is not an object');
  const operations: OperationRoute[] = [];
  const unnamed: string[] = [];
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation.operationId;
      if (typeof id !== 'string' || id === '') {
        unnamed.push(where);
        continue;
      }
      const before = seen.get(id);
      if (before !== undefined) throw bad(file, `operationId "${id}" is used by both ${before} and ${where}`);
      seen.set(id, where);
      const mediaType = requestMediaType(document, operation.requestBody);
      operations.push({ operationId: id, method: method.toUpperCase(), path, ...(mediaType === undefined ? {} : { mediaType }) });
    }
  }
  return { document, operations, unnamed };
}

function requestMediaType(document: Record<string, unknown>, body: unknown): string | undefined {
  const resolved = isObject(body) && typeof body.$ref === 'string' ? pointer(document, body.$ref) : body;
  if (!isObject(resolved) || !isObject(resolved.content)) return undefined;
  const types = Object.keys(resolved.content);
  return types.find((t) => /^application\/json\s*(?:;|$)/i.test(t)) ?? types.find((t) => /[/+]json\b/i.test(t)) ?? types[0];
}

/** A local `#/...` reference (RFC 6901), or undefined when it points elsewhere. */
function pointer(document: Record<string, unknown>, ref: string): unknown {
  if (ref === '#') return document;
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    at = isObject(at) ? at[key] : undefined;
  }
  return at;
}

/**
 * Every local `$ref` must point at something (openapi-typescript would write a type that does
 * not compile), and none may point at the network: the client is built from files, the same
 * each time.
 */
function checkReferences(file: string, document: Record<string, unknown>): void {
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}/${i}`));
      return;
    }
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('//')) throw bad(file, `${at}: $ref '${ref}' points at the network; save that document beside this one and refer to the file`);
      if (ref.startsWith('#') && pointer(document, ref) === undefined) throw bad(file, `${at}: $ref '${ref}' points at nothing`);
    }
    for (const [key, value] of Object.entries(node)) {
      // Examples and defaults are data: a `$ref` member there is not a reference.
      if (key !== 'example' && key !== 'examples' && key !== 'default' && key !== 'const' && key !== 'enum') walk(value, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(document, '');
}

function bad(file: string, message: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_CONTRACT_OPENAPI', `${file}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
