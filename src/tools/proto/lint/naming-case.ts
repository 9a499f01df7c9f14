/**
 * Name-case conversions with buf's semantics, so that a name passes here exactly when it
 * passes `buf lint`: '.', '-', '_' and ' ' are word delimiters, trimmed at the ends and
 * collapsed; an upper-case letter starts a new word after a lower-case letter or before one
 * (so `HTTPServer` is `http_server`); digits never start a word.
 */
const DELIMITERS = new Set(['.', '-', '_', ' ']);

// ASCII is answered from the character code (names are nearly always ASCII, and these run for
// every name of a tree); other letters by their case mappings.
function isUpper(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90;
  return c !== c.toLowerCase() && c === c.toUpperCase();
}
function isLower(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code >= 97 && code <= 122;
  return c !== c.toUpperCase() && c === c.toLowerCase();
}
function isDigit(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57;
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
      ((next !== undefined && !isUpper(next) && !isDigit(next) && !DELIMITERS.has(next)) || isLower(prev));
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
