/**
 * Parses a Laravel route path (`/user/{id}`, `/user/{id?}`, `/p/{id:\d+}`, `/f/{name}.{ext}`)
 * into segments of static text and parameters. Only syntax is checked here; what the parameters
 * mean together (optional order, catch-alls, constraints) is checked in compile-route.ts.
 *
 * Written by hand: Laravel's syntax is not find-my-way's (`:id`, `:id(regex)`, `*`), and inline
 * constraints may themselves contain braces (`{code:[a-z]{2}}`), so a small scanner is needed.
 */

export type PathPart =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string; readonly optional: boolean; readonly inline: string | undefined };

export interface ParsedPath {
  /** The path as given, with a leading `/` added when missing (Laravel accepts `user/{id}`). */
  readonly source: string;
  /** One entry per `/`-separated segment; the root path has none. */
  readonly segments: readonly (readonly PathPart[])[];
  readonly trailingSlash: boolean;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `path`, or returns what is wrong with it (a lowercase sentence). */
export function parsePath(path: string): ParsedPath | string {
  const source = path.startsWith('/') ? path : `/${path}`;
  if (source === '/') return { source, segments: [], trailingSlash: false };
  const trailingSlash = source.endsWith('/');
  const body = source.slice(1, trailingSlash ? -1 : undefined);
  const segments: PathPart[][] = [];
  let parts: PathPart[] = [];
  let text = '';
  let i = 0;
  const endSegment = (): string | undefined => {
    if (text !== '') parts.push({ kind: 'static', text });
    text = '';
    if (parts.length === 0) return `has an empty segment ('//') at character ${i + 1}`;
    segments.push(parts);
    parts = [];
    return undefined;
  };
  while (i < body.length) {
    const c = body[i] as string;
    if (c === '/') {
      const problem = endSegment();
      if (problem !== undefined) return problem;
      i++;
    } else if (c === '{') {
      const close = closingBrace(body, i);
      if (close === -1) return `has an unclosed '{' at character ${i + 2}`;
      const param = parseParam(body.slice(i + 1, close));
      if (typeof param === 'string') return param;
      if (text !== '') parts.push({ kind: 'static', text });
      text = '';
      parts.push(param);
      i = close + 1;
    } else if (c === '}') {
      return `has a '}' without a matching '{' at character ${i + 2}`;
    } else if (c === '*' || c === '?' || c === '#') {
      return `contains '${c}', which cannot appear in a route path (use a parameter with a constraint such as where: { path: '.*' } for a catch-all)`;
    } else if (c.charCodeAt(0) < 0x20 || c === '\u007f') {
      return `contains a control character at character ${i + 2}`;
    } else {
      text += c;
      i++;
    }
  }
  const problem = endSegment();
  if (problem !== undefined) return problem;
  return { source, segments, trailingSlash };
}

/** Index of the `}` closing the `{` at `open`, counting nested braces and skipping escapes. */
function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `name`, `name?`, `name:regex` or `name?:regex`. */
function parseParam(inner: string): PathPart | string {
  const colon = inner.indexOf(':');
  let head = colon === -1 ? inner : inner.slice(0, colon);
  const inline = colon === -1 ? undefined : inner.slice(colon + 1);
  const optional = head.endsWith('?');
  if (optional) head = head.slice(0, -1);
  if (!PARAM_NAME.test(head)) {
    return `has an invalid parameter name '{${inner}}' (letters, digits and '_', not starting with a digit)`;
  }
  if (head === '__proto__') return `uses the reserved parameter name '__proto__'`;
  if (inline !== undefined && inline.length === 0) return `has an empty inline constraint in '{${inner}}'`;
  return { kind: 'param', name: head, optional, inline };
}
