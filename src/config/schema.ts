/**
 * The JSON Schema of switchyard.yaml (schema/switchyard.schema.json, shipped for editors), its
 * validator compiled ahead of time (src/tools/schema-validator), and the translation of ajv's
 * errors into problems a person can act on.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { closest } from './did-you-mean.js';
import { validate as generatedValidate } from './schema-validator.generated.js';

const validate = generatedValidate as unknown as ValidateFunction;

export interface SchemaProblem {
  segments: (string | number)[];
  message: string;
  /** True when the problem is about a key itself (point at the key, not its value). */
  atKey: boolean;
}

const FRIENDLY: Record<string, string> = {
  address: 'must be an address such as 127.0.0.1:8080, :8080, [::1]:8080 or unix:/path/to.sock',
  duration: 'must be a duration such as 250ms, 5s, 2m or 1h',
  size: 'must be a size such as 512, 64kb, 10mb or 1gb',
  path: "must be a path starting with '/'",
  name: 'must be a name of letters, digits, _ . - starting with a letter',
  jsonPointer: "must be an RFC 6901 JSON pointer such as /items/0/id ('' is the whole body; ~0 and ~1 stand for ~ and /)",
};

export function validateAgainstSchema(data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  // A failed oneOf reports each branch's complaint too; keep only the oneOf summary.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
  const kept = errors.filter((e) => e.keyword === 'oneOf' || !oneOfPaths.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)));
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of kept) {
    // A oneOf's own schemaPath names no $defs; its branches' errors do (e.g. `address`).
    const def = e.keyword === 'oneOf' ? errors.map((b) => b.instancePath === e.instancePath && defName(b.schemaPath)).find(Boolean) || undefined : defName(e.schemaPath);
    const problem = describe(e, data, def);
    const key = `${problem.segments.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function defName(schemaPath: string): string | undefined {
  return /\$defs\/(\w+)\/[^/]+$/.exec(schemaPath)?.[1];
}

function describe(e: ErrorObject, data: unknown, def: string | undefined): SchemaProblem {
  const segments = pointerToSegments(e.instancePath, data);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = allowedKeys(e);
      const suggestion = closest(key, allowed);
      return { segments: [...segments, key], atKey: true, message: `unknown key '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}` };
    }
    case 'required':
      return { segments, atKey: false, message: `missing required key '${(e.params as { missingProperty: string }).missingProperty}'` };
    case 'enum':
      return { segments, atKey: false, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
    case 'type':
    case 'oneOf':
      return { segments, atKey: false, message: (def !== undefined && FRIENDLY[def]) || `${e.message ?? 'is invalid'}` };
    case 'propertyNames':
      return { segments, atKey: true, message: FRIENDLY['name'] as string };
    case 'minProperties':
      return { segments, atKey: false, message: 'a route needs a method and path (get: /x, any: /x, or match: [...] with path) and `to`' };
    default:
      return { segments, atKey: false, message: e.message ?? 'is invalid' };
  }
}

function allowedKeys(e: ErrorObject): string[] {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props === undefined ? [] : Object.keys(props);
}

function pointerToSegments(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg = Array.isArray(node) ? Number(part) : part;
    out.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}
