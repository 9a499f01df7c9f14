/**
 * docs/config-reference.md from schema/switchyard.schema.json: every key of switchyard.yaml with
 * its type, default and description, one table per part (top level, each upstream type,
 * middleware, routes and groups), and the shared value types last. The schema is the one source:
 * `npm run docs:config` writes the file, and a test fails when the committed one differs from
 * what this renders. Written here rather than with a schema-to-markdown package because the
 * layout follows switchyard.yaml's parts (upstreams by `type`, routes and groups), not the
 * schema's `$defs`.
 */

export type SchemaNode = { readonly [key: string]: unknown };

interface Row {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** `$defs` rendered as a table of their own (the object parts of a config), with the key prefix their keys get. */
const PARTS: readonly { readonly def: string; readonly title: string; readonly prefix: string; readonly intro: string }[] = [
  { def: 'fastcgiUpstream', title: 'Upstreams: `type: fastcgi`', prefix: 'upstreams.<name>', intro: 'A php-fpm pool ([fastcgi.md](fastcgi.md)).' },
  { def: 'httpUpstream', title: 'Upstreams: `type: http`', prefix: 'upstreams.<name>', intro: 'HTTP services behind a balancer ([resilience.md](resilience.md)).' },
  { def: 'grpcUpstream', title: 'Upstreams: `type: grpc`', prefix: 'upstreams.<name>', intro: 'gRPC services, native, gRPC-Web or transcoded ([grpc.md](grpc.md)).' },
  { def: 'route', title: 'Routes', prefix: 'routes[]', intro: 'One route: a method key (`get`, `post`, ..., `any`) with its path, and where it goes ([routing.md](routing.md)).' },
  { def: 'group', title: 'Route groups', prefix: 'routes[]', intro: 'Routes sharing a prefix, middleware and a name prefix; groups nest.' },
];
/** `$defs` that stand for a part rendered elsewhere, by the name a type column gives them. */
const PART_REFS: Readonly<Record<string, string>> = { routeList: 'list of routes and groups (see Routes)', routeOrGroup: 'route or group (see Routes)', route: 'route (see Routes)', group: 'group (see Route groups)' };

export function renderConfigReference(schema: SchemaNode): string {
  const defs = (schema['$defs'] ?? {}) as Record<string, SchemaNode>;
  const out: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from schema/switchyard.schema.json by `npm run docs:config`; do not edit by hand. -->',
    '',
    `Every key of \`switchyard.yaml\`, generated from the JSON Schema that \`switchyard validate\` and editors use. \`<name>\` stands for a name you choose, \`[]\` for each item of a list. Durations are \`250ms\`, \`5s\`, \`2m\`, \`1h\` (a bare number is milliseconds); sizes are \`512\`, \`64kb\`, \`10mb\` (binary: 1kb = 1024 bytes). Any value may be \`\${ENV_VAR}\`. A default is what applies when the key is left out. A middleware's keys besides \`type\` are its plugin's own: [plugins.md](plugins.md).`,
    '',
    '## Top level',
    '',
    ...table(rows(schema, '', defs)),
  ];
  for (const part of PARTS) {
    const def = defs[part.def];
    if (def === undefined) continue;
    out.push('', `## ${part.title}`, '', part.intro, '', ...table(rows(def, part.prefix, defs)));
  }
  out.push('', '## Value types', '', 'Types named in the tables above.', '', '| Type | Accepts |', '|---|---|');
  for (const [name, def] of Object.entries(defs)) {
    if (PARTS.some((p) => p.def === name) || name in PART_REFS) continue;
    out.push(`| \`${name}\` | ${cell(accepts(def))} |`);
  }
  return `${out.join('\n')}\n`;
}

function table(rows: readonly Row[]): string[] {
  return ['| Key | Type | Default | Description |', '|---|---|---|---|', ...rows.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${r.default === '' ? '' : `\`${cell(r.default)}\``} | ${cell(r.description)} |`)];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/** Rows for the properties of an object node (and of the objects inside it), keys prefixed. */
function rows(node: SchemaNode, prefix: string, defs: Record<string, SchemaNode>): Row[] {
  const out: Row[] = [];
  for (const [name, own] of Object.entries(properties(node))) {
    if (own === true) continue;
    const child = deepRef(own, defs);
    const key = prefix === '' ? name : `${prefix}.${name}`;
    out.push({ key, type: typeOf(child, defs), default: child['default'] === undefined ? '' : JSON.stringify(child['default']), description: describe(child, defs) });
    out.push(...below(child, key, defs));
  }
  return out;
}

/** A `$ref` to a key inside a part (`#/$defs/httpUpstream/properties/...`) stands for what it points at. */
function deepRef(node: SchemaNode, defs: Record<string, SchemaNode>): SchemaNode {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/') || !ref.slice('#/$defs/'.length).includes('/')) return node;
  const [def, ...rest] = ref.slice('#/$defs/'.length).split('/');
  return rest.reduce<SchemaNode>((n, k) => (n as Record<string, SchemaNode>)[k] as SchemaNode, defs[def as string] as SchemaNode);
}

/** The object keys under a property: its own, an object variant's, a map's values', or a list's items'. */
function below(node: SchemaNode, key: string, defs: Record<string, SchemaNode>): Row[] {
  if (typeof node['$ref'] === 'string') return [];
  if (node['properties'] !== undefined) return rows(node, key, defs);
  const variants = (node['oneOf'] ?? node['anyOf']) as SchemaNode[] | undefined;
  if (variants !== undefined) return variants.flatMap((v) => below(v, key, defs));
  const items = node['items'] as SchemaNode | undefined;
  if (items !== undefined && typeof items === 'object') return below(items, `${key}[]`, defs);
  const values = node['additionalProperties'] as SchemaNode | boolean | undefined;
  if (typeof values === 'object' && node['propertyNames'] !== undefined) return below(values, `${key}.<name>`, defs);
  return [];
}

/** Properties of an object node, with those of its `if`/`then` branches (a branch may add keys). */
function properties(node: SchemaNode): Record<string, SchemaNode | true> {
  const own = (node['properties'] ?? {}) as Record<string, SchemaNode | true>;
  const branches = ((node['allOf'] ?? []) as SchemaNode[]).map((b) => (b['then'] ?? {}) as SchemaNode);
  const merged: Record<string, SchemaNode | true> = { ...own };
  for (const b of branches) for (const [k, v] of Object.entries((b['properties'] ?? {}) as Record<string, SchemaNode | true>)) if (v !== true && !(k in merged && merged[k] !== true)) merged[k] = v;
  return merged;
}

function typeOf(node: SchemaNode, defs: Record<string, SchemaNode>): string {
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace('#/$defs/', '');
    return PART_REFS[name] ?? name;
  }
  if (Array.isArray(node['enum'])) return `one of ${(node['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (node['const'] !== undefined) return JSON.stringify(node['const']);
  const variants = (node['oneOf'] ?? node['anyOf']) as SchemaNode[] | undefined;
  if (variants !== undefined) return [...new Set(variants.map((v) => typeOf(v, defs)))].join(' or ');
  const type = node['type'];
  if (type === 'array') {
    const items = node['items'] as SchemaNode | undefined;
    return items === undefined ? 'list' : `list of ${typeOf(items, defs)}`;
  }
  if (type === 'object') {
    const values = node['additionalProperties'];
    if (typeof values === 'object' && values !== null && node['properties'] === undefined) return `map of ${typeOf(values as SchemaNode, defs)}`;
    return 'object';
  }
  if (Array.isArray(type)) return type.join(' or ');
  return typeof type === 'string' ? type : 'any';
}

/** The description, with the bounds the schema sets that the text may not say. */
function describe(node: SchemaNode, defs: Record<string, SchemaNode>): string {
  const ref = typeof node['$ref'] === 'string' ? defs[(node['$ref'] as string).replace('#/$defs/', '')] : undefined;
  const text = (node['description'] ?? ref?.['description'] ?? '') as string;
  const bounds: string[] = [];
  if (typeof node['minimum'] === 'number') bounds.push(`≥ ${node['minimum']}`);
  if (typeof node['exclusiveMinimum'] === 'number') bounds.push(`> ${node['exclusiveMinimum']}`);
  if (typeof node['maximum'] === 'number') bounds.push(`≤ ${node['maximum']}`);
  return bounds.length === 0 ? text : `${text}${text === '' ? '' : ' '}(${bounds.join(', ')})`;
}

/** What a value type accepts: its description, or its enum or pattern. */
function accepts(def: SchemaNode): string {
  if (typeof def['description'] === 'string') return def['description'];
  if (Array.isArray(def['enum'])) return `one of ${(def['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
  const type = Array.isArray(def['type']) ? (def['type'] as string[]).join(' or ') : String(def['type'] ?? 'any');
  if (typeof def['pattern'] === 'string') return `${type} matching \`${def['pattern']}\``;
  if (typeof def['additionalProperties'] === 'object') return `map of ${String((def['additionalProperties'] as SchemaNode)['type'] ?? 'values')}`;
  return type;
}
