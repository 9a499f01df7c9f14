/**
 * Parameter constraints (`where: { id: '\d+' }` or inline `{id:\d+}`): checked once at load time
 * and rewritten so they can sit inside find-my-way's regex nodes.
 *
 * Written by hand because no library answers the two questions the router needs of a regex:
 * - may it match a `/`? Laravel's default requirement for a parameter is `[^/]+`; a constraint
 *   replaces it, so one that can match a slash (`.*`, `.+`, `\S+`, `[\w/]+`) spans segments.
 *   Here each atom (`.`, an escape, a character class, a literal) is tried against '/'.
 * - does it capture? find-my-way turns every capture group of a node regex into a parameter, so
 *   user groups become non-capturing, and parentheses inside character classes are escaped so
 *   find-my-way's parenthesis matcher (which does not know about classes) finds the right end.
 * A leading `^` and trailing `$` are dropped, as Symfony's route compiler does for requirements.
 */
import FindMyWay from 'find-my-way';

export interface Constraint {
  /** As written in the config, for messages. */
  readonly source: string;
  /** Rewritten: no capture groups, no outer anchors, class parentheses escaped. */
  readonly pattern: string;
  /** True when the constraint can match a `/`: the parameter is then a catch-all. */
  readonly spansSegments: boolean;
  /**
   * `^(?:pattern)$` with the `s` flag, for checking a value outside find-my-way (catch-alls, URL
   * generation): Symfony compiles Laravel's routes with DOTALL, so `.*` also takes a decoded
   * `%0a`, and the request reaches the route (and its shield) instead of falling through to 404.
   */
  readonly anchored: RegExp;
}

/** Compiles a constraint or returns what is wrong with it (a lowercase sentence). */
export function compileConstraint(source: string): Constraint | string {
  if (source.length === 0) return 'is empty';
  try {
    new RegExp(source);
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
  const stripped = stripAnchors(source);
  if (stripped.length === 0) return 'matches nothing but the empty string';
  const rewritten = rewrite(stripped);
  if (typeof rewritten === 'string') return rewritten;
  const { pattern, spansSegments } = rewritten;
  // Belt and braces: the rewrite must leave a valid regex without capture groups.
  const groups = (new RegExp(`${pattern}|`).exec('') ?? []).length - 1;
  if (groups !== 0) return 'has capture groups that cannot be made non-capturing';
  const unsafe = findMyWayRejects(pattern);
  if (unsafe !== undefined) return unsafe;
  return { source, pattern, spansSegments, anchored: new RegExp(`^(?:${pattern})$`, 's') };
}

function stripAnchors(source: string): string {
  let s = source.startsWith('^') ? source.slice(1) : source;
  if (s.endsWith('$') && !endsWithOddBackslashes(s.slice(0, -1))) s = s.slice(0, -1);
  return s;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function matchesSlash(atom: string): boolean {
  try {
    return new RegExp(atom).test('/');
  } catch {
    return false;
  }
}

/** Length of the escape sequence starting at `i` (a backslash). */
function escapeLength(src: string, i: number): number {
  const next = src[i + 1];
  if (next === 'x') return 4;
  if (next === 'u') return 6;
  if (next === 'c') return 3;
  return 2;
}

function rewrite(src: string): { pattern: string; spansSegments: boolean } | string {
  let out = '';
  let spans = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\') {
      const atom = src.slice(i, i + escapeLength(src, i));
      if (/^\\[1-9]/.test(atom) || atom === '\\k') return 'uses a back-reference, which route constraints do not support';
      if (matchesSlash(atom)) spans = true;
      out += atom;
      i += atom.length;
    } else if (c === '[') {
      const end = classEnd(src, i);
      const cls = src.slice(i, end + 1);
      if (matchesSlash(cls)) spans = true;
      out += escapeClassParens(cls);
      i = end + 1;
    } else if (c === '(') {
      if (src[i + 1] !== '?') {
        out += '(?:';
        i += 1;
      } else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
        // named group (?<name>...) -> (?:...)
        out += '(?:';
        i = src.indexOf('>', i) + 1;
      } else {
        // (?: (?= (?! (?<= (?<! stay as they are
        out += '(?';
        i += 2;
      }
    } else {
      if (c === '.' || c === '/') spans = true;
      out += c;
      i += 1;
    }
  }
  return { pattern: out, spansSegments: spans };
}

/** Index of the `]` closing the class opened at `start`; the regex is known to be valid. */
function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  while (i < src.length) {
    if (src[i] === '\\') i += 2;
    else if (src[i] === ']') return i;
    else i++;
  }
  return src.length - 1;
}

function escapeClassParens(cls: string): string {
  let out = '';
  for (let i = 0; i < cls.length; i++) {
    const c = cls[i] as string;
    if (c === '\\') {
      out += cls.slice(i, i + 2);
      i++;
    } else if (c === '(' || c === ')') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return out;
}

const noop = (): void => {};

/**
 * find-my-way refuses regexes that can backtrack catastrophically (nested quantifiers, checked
 * with safe-regex2). Ask it up front, through a throwaway router, so the message can name the
 * parameter, and so catch-all constraints (tested by this router, not by find-my-way) get the
 * same protection: a constraint runs on every matching request, on attacker-chosen input.
 */
function findMyWayRejects(pattern: string): string | undefined {
  try {
    FindMyWay().on('GET', `/:x((?:${pattern}))`, noop);
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    return /not safe/.test(message)
      ? 'can backtrack catastrophically (nested quantifiers such as (a+)+); write it without a repeated group'
      : `is refused by the route tree (${message})`;
  }
}
