/**
 * An OpenAPI document as edge validation reads it: loaded once per file and build (YAML or JSON),
 * version checked (3.0 or 3.1), 3.0's schema dialect brought to JSON Schema 2020-12 (`nullable`,
 * boolean `exclusiveMinimum`/`exclusiveMaximum`), and local `$ref`s of parameters, request bodies
 * and responses followed. Schemas keep their `$ref`s: they are compiled with the document's
 * `components` beside them, so `#/components/schemas/X` resolves as written.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Json = Record<string, unknown>;

export interface OpenapiDocument {
  readonly file: string;
  readonly root: Json;
  /** 3.0 documents were converted to 2020-12 schemas. */
  readonly version: '3.0' | '3.1';
}

export class ContractLoadError extends Error {
  /** Which key of the route's `openapi:` is at fault. */
  readonly key: 'spec' | 'operation';
  constructor(key: 'spec' | 'operation', message: string) {
    super(message);
    this.key = key;
  }
}

export function loadOpenapi(file: string): OpenapiDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContractLoadError('spec', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let root: unknown;
  try {
    root = parse(text);
  } catch (err) {
    throw new ContractLoadError('spec', `${file} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new ContractLoadError('spec', `${file} is not an OpenAPI document (not an object)`);
  const version = String((root as Json)['openapi'] ?? '');
  if (/^3\.1\./.test(version)) return { file, root: root as Json, version: '3.1' };
  if (/^3\.0\./.test(version)) return { file, root: from30(root) as Json, version: '3.0' };
  throw new ContractLoadError('spec', `${file} is not an OpenAPI 3.0 or 3.1 document (openapi: ${JSON.stringify((root as Json)['openapi'] ?? null)})`);
}

/** Follows a local `$ref` (RFC 6901 pointer into the document), as many times as it takes. */
export function deref(doc: OpenapiDocument, value: unknown, seen = 0): Json {
  if (value === null || typeof value !== 'object') throw new ContractLoadError('spec', `${doc.file}: expected an object, found ${JSON.stringify(value)}`);
  const ref = (value as Json)['$ref'];
  if (typeof ref !== 'string') return value as Json;
  if (seen > 20) throw new ContractLoadError('spec', `${doc.file}: $ref ${ref} loops`);
  if (!ref.startsWith('#/')) throw new ContractLoadError('spec', `${doc.file}: only local $refs are supported, found ${ref}`);
  let at: unknown = doc.root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    at = at !== null && typeof at === 'object' ? (at as Json)[key] : undefined;
    if (at === undefined) throw new ContractLoadError('spec', `${doc.file}: $ref ${ref} points at nothing`);
  }
  return deref(doc, at, seen + 1);
}

/** OpenAPI 3.0's schema extensions as 2020-12 (a copy; the 3.0 object is left as it was). */
function from30(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(from30);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[k] = from30(v);
  if (out['nullable'] === true) {
    delete out['nullable'];
    const type = out['type'];
    if (typeof type === 'string') out['type'] = [type, 'null'];
    else if (Array.isArray(type)) out['type'] = [...type, 'null'];
    else if (out['$ref'] !== undefined || out['allOf'] !== undefined || out['oneOf'] !== undefined || out['anyOf'] !== undefined) {
      const { ...schema } = out;
      for (const k of Object.keys(out)) delete out[k];
      out['anyOf'] = [schema, { type: 'null' }];
    }
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
  for (const [bound, flag] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  return out;
}
