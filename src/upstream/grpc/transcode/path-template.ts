/**
 * `google.api.http` path templates: parsing (`parsePathTemplate`) and matching a request path
 * against one (`matchPathTemplate`), with grpc-gateway v2's rules.
 *
 * The grammar (google/api/http.proto):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * `parsePathTemplate(template)` returns a `PathTemplate` — its `segments` (literal, `*`, `**`),
 * its `variables` (each a field path such as `['book', 'name']` and the range of segments it
 * captures; `{id}` is `{id=*}`) and its `verb` — or, when the template is invalid, a lowercase
 * sentence saying why (the house shape of the router's `parsePath`). It is the one parser of
 * these templates: the transcoder and the OpenAPI contracts both use it.
 *
 * Written by hand: no maintained npm package implements this grammar with grpc-gateway's
 * matching, and the rules that matter here are grpc-gateway's own, each cited below.
 */

export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  /** `*`: exactly one path segment (which may be empty, as in grpc-gateway). */
  | { readonly kind: 'wildcard' }
  /** `**`: zero or more segments; at most one per template, literals may follow it. */
  | { readonly kind: 'deep-wildcard' };

export interface TemplateVariable {
  /** The request field the value goes to: `{book.name=...}` is `['book', 'name']`. */
  readonly fieldPath: readonly string[];
  /** Segments captured: `segments[start]` up to, not including, `segments[end]`. */
  readonly start: number;
  readonly end: number;
}

export interface PathTemplate {
  /** The template as written. */
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  /** The custom verb after the last `:` (`:cancel` is `cancel`); undefined when none. */
  readonly verb: string | undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// RFC 3986 pchar and '%XX' escapes (a ':' in the last segment was already split off as the verb).
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/** Parses a `google.api.http` path template, or returns what is wrong with it. */
export function parsePathTemplate(template: string): PathTemplate | string {
  if (!template.startsWith('/')) return `'${template}' does not start with '/'`;
  const { body, verb } = splitVerb(template.slice(1));
  if (verb !== undefined && !LITERAL.test(verb)) return `'${template}' has an invalid verb ':${verb}'`;
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  let deep = false;
  const seen = new Set<string>();
  let i = 0;
  // Reads segments until `stop` ('' for the end, '}' inside a variable).
  const readSegments = (inVariable: boolean): string | undefined => {
    for (;;) {
      if (body[i] === '{') {
        if (inVariable) return `'${template}' nests a variable inside another`;
        const close = body.indexOf('}', i);
        if (close === -1) return `'${template}' has an unclosed '{'`;
        const inner = body.slice(i + 1, close);
        const eq = inner.indexOf('=');
        const path = eq === -1 ? inner : inner.slice(0, eq);
        const fieldPath = path.split('.');
        if (!fieldPath.every((p) => IDENT.test(p))) return `'${template}' has an invalid field path '${path}'`;
        if (seen.has(path)) return `'${template}' binds the field '${path}' twice`;
        seen.add(path);
        const start = segments.length;
        if (eq === -1) {
          segments.push({ kind: 'wildcard' });
          i = close + 1;
        } else {
          i += 1 + eq + 1;
          const problem = readSegments(true);
          if (problem !== undefined) return problem;
          if (body[i] !== '}') return `'${template}' has an unclosed '{'`;
          i++;
        }
        variables.push({ fieldPath, start, end: segments.length });
      } else {
        let end = i;
        while (end < body.length && body[end] !== '/' && body[end] !== '}' && body[end] !== '{') end++;
        const text = body.slice(i, end);
        if (text === '**') {
          if (deep) return `'${template}' has more than one '**'`;
          deep = true;
          segments.push({ kind: 'deep-wildcard' });
        } else if (text === '*') segments.push({ kind: 'wildcard' });
        else if (text === '') return `'${template}' has an empty segment`;
        else if (!LITERAL.test(text)) return `'${template}' has an invalid literal '${text}'`;
        else segments.push({ kind: 'literal', value: decodeLiteral(text) });
        i = end;
      }
      if (body[i] === '/') {
        i++;
        continue;
      }
      if (i >= body.length) return undefined;
      if (body[i] === '}') return inVariable ? undefined : `'${template}' has a '}' without a '{'`;
      return `'${template}' has an unexpected '${body[i] ?? ''}'`;
    }
  };
  if (body === '') return `'${template}' has no segments`;
  const problem = readSegments(false);
  if (problem !== undefined) return problem;
  return { source: template, segments, variables, verb };
}

/**
 * The verb is what follows the last ':' of the last segment; when that segment ends a variable
 * (`{name}:verb`, `{name=a/*}:b:c`) it is what follows the first ':' after the '}', as
 * grpc-gateway's httprule tokenizer decides (its pull request 1947).
 */
function splitVerb(body: string): { body: string; verb: string | undefined } {
  const slash = body.lastIndexOf('/');
  const brace = body.lastIndexOf('}');
  const from = Math.max(slash, brace) + 1;
  const colon = brace > slash ? body.indexOf(':', brace) : body.lastIndexOf(':');
  if (colon < from) return { body, verb: undefined };
  return { body: body.slice(0, colon), verb: body.slice(colon + 1) };
}

function decodeLiteral(text: string): string {
  return text.includes('%') ? decodeURIComponent(text) : text;
}

/** A request path split as grpc-gateway splits it, or why it cannot be. */
export type SplitPath = { readonly components: readonly string[] } | { readonly bad: string };

/**
 * grpc-gateway v2's default (`UnescapingModeLegacy`) works on Go's decoded `URL.Path`: the
 * whole path is percent-decoded first, so `%2F` separates segments like `/`, and a malformed
 * escape (`%ZZ`) is refused with 400 before any routing (Go's URL parser rejects it).
 */
export function splitRequestPath(rawPath: string): SplitPath {
  let path: string;
  try {
    path = rawPath.includes('%') ? decodeURIComponent(rawPath) : rawPath;
  } catch {
    return { bad: `the path '${rawPath}' has a malformed percent-escape` };
  }
  if (!path.startsWith('/')) return { bad: `the path '${rawPath}' does not start with '/'` };
  return { components: path.slice(1).split('/') };
}

/** Values captured by a match, by field path joined with '.'. */
export type PathValues = ReadonlyMap<string, string>;

/**
 * Matches split path components against a template, as grpc-gateway's ServeMux and Pattern do:
 * a template with a verb needs the last component to end in `:verb` with something before it;
 * a template without one sees the colon as part of the component. Every component must be
 * consumed; `**` takes all but what the literals after it need, joined with '/'.
 */
export function matchPathTemplate(template: PathTemplate, components: readonly string[]): PathValues | undefined {
  let comps = components;
  if (template.verb !== undefined) {
    const last = comps[comps.length - 1] ?? '';
    const suffix = `:${template.verb}`;
    if (!last.endsWith(suffix) || last.length === suffix.length) return undefined;
    comps = [...comps.slice(0, -1), last.slice(0, -suffix.length)];
  }
  const captured: string[] = [];
  let pos = 0;
  const { segments } = template;
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s] as TemplateSegment;
    if (segment.kind === 'deep-wildcard') {
      const tail = segments.length - s - 1;
      const end = comps.length - tail;
      if (end < pos) return undefined;
      captured.push(comps.slice(pos, end).join('/'));
      pos = end;
      continue;
    }
    if (pos >= comps.length) return undefined;
    const c = comps[pos] as string;
    if (segment.kind === 'literal' && segment.value !== c) return undefined;
    captured.push(c);
    pos++;
  }
  if (pos < comps.length) return undefined;
  const values = new Map<string, string>();
  for (const v of template.variables) values.set(v.fieldPath.join('.'), captured.slice(v.start, v.end).join('/'));
  return values;
}
