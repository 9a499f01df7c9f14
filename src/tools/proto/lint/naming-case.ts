/**
 * Name-case conversions with buf's semantics, so that a name passes here exactly when it
 * passes `buf lint`: '.', '-', '_' and ' ' are word delimiters, trimmed at the ends and
 * collapsed; an upper-case letter starts a new word after a lower-case letter or before one
 * (so `HTTPServer` is `http_server`); digits never start a word.
 */
const DELIMITERS = new Set(['.', '-', '_', ' ']);

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase();
}
function isLower(c: string): boolean {
  return c !== c.toUpperCase() && c === c.toLowerCase();
}
function trimDelimiters(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && DELIMITERS.has(s[start] as string)) start++;
  while (end > start && DELIMITERS.has(s[end - 1] as string)) end--;
  return s.slice(start, end);
}

function snake(input: string): string {
  const s = trimDelimiters(input);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s[i] as string;
    if (DELIMITERS.has(c)) c = '_';
    if (i === 0) {
      out += c;
      continue;
    }
    const next = s[i + 1];
    const prev = s[i - 1] as string;
    const startsWord =
      isUpper(c) &&
      !out.endsWith('_') &&
      ((next !== undefined && !isUpper(next) && !/[0-9]/.test(next) && !DELIMITERS.has(next)) || isLower(prev));
    if (startsWord) out += `_${c}`;
    else if (!(c === '_' && out.endsWith('_'))) out += c;
  }
  return out;
}

export function toLowerSnakeCase(s: string): string {
  return snake(s).toLowerCase();
}

export function toUpperSnakeCase(s: string): string {
  return snake(s).toUpperCase();
}

export function toPascalCase(input: string): string {
  const s = trimDelimiters(input);
  let out = '';
  let prev = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (!DELIMITERS.has(c)) out += i === 0 || DELIMITERS.has(prev) || isUpper(c) ? c.toUpperCase() : c.toLowerCase();
    prev = c;
  }
  return out;
}
