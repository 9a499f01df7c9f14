/**
 * ts-json-schema-generator writes JSON Schema draft-07 with `#/definitions/` references; OpenAPI
 * 3.1's Schema Object is JSON Schema 2020-12 and its reusable schemas live under
 * `#/components/schemas/`. This converts one to the other, walking only the keywords that hold
 * subschemas, so values (`const`, `enum`, `default`, `examples`) are never rewritten:
 *
 * - `$ref: '#/definitions/X'` -> `$ref: '#/components/schemas/X'` (the name made legal, below);
 * - draft-07 tuples (`items: [...]` with `additionalItems`) -> 2020-12 `prefixItems` and `items`
 *   (JSON Schema 2020-12 §10.3.1.1, release notes "array keywords");
 * - `$schema` dropped: OpenAPI 3.1's default dialect is the one these schemas are written in.
 *
 * Component names must match `^[a-zA-Z0-9.\-_]+$` (OpenAPI 3.1 §4.8.7.1); the generator names
 * instantiated generics by their spelling (`Page<Pet>`), so each run of other characters becomes
 * `_` (`Page_Pet_`, as tsoa names them), with a numeric suffix if two names would meet.
 */
import type { JsonSchema } from './schema.js';

const LEGAL_NAME = /^[A-Za-z0-9._-]+$/;
const DEFINITIONS = '#/definitions/';
const COMPONENTS = '#/components/schemas/';

/** Keywords whose value is one subschema. */
const ONE = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'] as const;
/** Keywords whose value is an array of subschemas. */
const MANY = ['anyOf', 'oneOf', 'allOf'] as const;
/** Keywords whose value maps names to subschemas. */
const MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'] as const;

/** Every definition as an OpenAPI 3.1 component schema, under a legal component name. */
export function componentSchemas(definitions: Readonly<Record<string, JsonSchema>>): Record<string, JsonSchema> {
  const names = componentNames(Object.keys(definitions));
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(definitions)) out[names.get(name) as string] = convert(schema, names);
  return out;
}

/** Generator names to legal, distinct component names. */
export function componentNames(raw: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set(raw.filter((n) => LEGAL_NAME.test(n)));
  for (const name of raw) {
    if (LEGAL_NAME.test(name)) {
      names.set(name, name);
      continue;
    }
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_');
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    names.set(name, candidate);
  }
  return names;
}

function convert(schema: JsonSchema, names: ReadonlyMap<string, string>): JsonSchema {
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === '$schema') continue;
    if (keyword === '$ref' && typeof value === 'string') out.$ref = reference(value, names);
    else if (keyword === 'items') {
      if (Array.isArray(value)) out.prefixItems = value.map((s) => sub(s, names));
      else out.items = sub(value, names);
    } else if (keyword === 'additionalItems') {
      // Only meaningful beside a tuple `items`; 2020-12 says the same with `items`.
      if (Array.isArray(schema.items)) out.items = sub(value, names);
    } else if ((ONE as readonly string[]).includes(keyword)) out[keyword] = sub(value, names);
    else if ((MANY as readonly string[]).includes(keyword) && Array.isArray(value)) out[keyword] = value.map((s) => sub(s, names));
    else if ((MAPS as readonly string[]).includes(keyword) && isObject(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([k, s]) => [k, sub(s, names)]));
    } else out[keyword] = value;
  }
  return out;
}

/** A subschema: an object is converted, a boolean schema kept. */
function sub(value: unknown, names: ReadonlyMap<string, string>): unknown {
  return isObject(value) ? convert(value, names) : value;
}

function reference(ref: string, names: ReadonlyMap<string, string>): string {
  if (!ref.startsWith(DEFINITIONS)) return ref;
  // The generator percent-encodes names in references (`Page%3CPet%3E`).
  const name = decodeURIComponent(ref.slice(DEFINITIONS.length));
  return COMPONENTS + (names.get(name) ?? name);
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
