/**
 * The transformations a value goes through before the shield's rules look at it, in the order
 * OWASP CRS applies them to ARGS (t:urlDecodeUni, repeated, t:htmlEntityDecode, t:lowercase,
 * and for PHP code t:removeComments / t:compressWhitespace): an attacker's `%253c%3fphp`,
 * `&#x3c;?php` or `sys/**\/tem (` must look to a rule as it looks to PHP. Written by hand: each is
 * a few lines, and the request path must not pay for a general-purpose library.
 */

const HEX = /^[0-9a-fA-F]{2}$/;

/** True when `value` has nothing any decoder would change (the common case: skip the work). */
export function isPlain(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // %, +, & (entities) and every non-ASCII code unit may decode into something else.
    if (c === 0x25 || c === 0x2b || c === 0x26 || c > 0x7e) return false;
  }
  return true;
}

/**
 * One round of percent-decoding, as PHP's urldecode does (and IIS's `%uXXXX`, which CRS's
 * urlDecodeUni also reads): invalid escapes stay as they are. Bytes are read as Latin-1 so that
 * a NUL, a 0xAD soft hyphen or an overlong UTF-8 sequence stays visible to the rules.
 */
export function percentDecode(value: string, plus: boolean): string {
  if (value.indexOf('%') === -1 && !(plus && value.indexOf('+') !== -1)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '+' && plus) out += ' ';
    else if (ch === '%' && HEX.test(value.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '%' && (value[i + 1] === 'u' || value[i + 1] === 'U') && /^[0-9a-fA-F]{4}$/.test(value.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(value.slice(i + 2, i + 6), 16));
      i += 5;
    } else out += ch;
  }
  return out;
}

/**
 * Overlong UTF-8 encodings of `.`, `/` and `\` (0xC0 0xAE, 0xC0 0xAF, 0xC1 0x9C, ...) and their
 * fullwidth forms, which lenient decoders turn into the ASCII character: read as that character.
 */
export function foldOverlong(value: string): string {
  if (!/[\u00c0\u00c1\u00e0\uff0e\uff0f\uff3c]/.test(value)) return value;
  return value
    .replace(/\u00c0[\u00ae\u00ee]|\u00e0\u0080\u00ae|\uff0e/g, '.')
    .replace(/\u00c0[\u00af\u00ef]|\u00e0\u0080\u00af|\uff0f/g, '/')
    .replace(/\u00c1[\u009c\u00dc]|\u00c0\u005c|\uff3c/g, '\\');
}

/** Percent-decoding repeated until nothing changes (double and triple encoding), at most 3 rounds. */
export function percentDecodeRepeated(value: string, plus: boolean): string {
  let current = percentDecode(value, plus);
  for (let round = 1; round < 3; round++) {
    const next = percentDecode(current, false);
    if (next === current) break;
    current = next;
  }
  return current;
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', lpar: '(', rpar: ')', dollar: '$', period: '.', sol: '/', bsol: '\\', colon: ':', semi: ';', num: '#', excl: '!', quest: '?', equals: '=', tab: '\t', newline: '\n' };

/** HTML character references (`&#60;`, `&#x3c;`, `&lt;`), with or without the closing `;`. */
export function htmlEntityDecode(value: string): string {
  if (value.indexOf('&') === -1) return value;
  return value.replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{2,8}));?/g, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return safeCodePoint(parseInt(hex, 16), whole);
    if (dec !== undefined) return safeCodePoint(parseInt(dec, 10), whole);
    return NAMED[(name as string).toLowerCase()] ?? whole;
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

/**
 * What the rules read of a parameter, cookie or body value: percent-decoded (repeatedly; `+` as a
 * space where the value came from a form), overlong forms folded, entities decoded, lowercased.
 */
export function normalizeValue(raw: string, plus: boolean): string {
  if (isPlain(raw)) return raw.toLowerCase();
  return htmlEntityDecode(foldOverlong(percentDecodeRepeated(raw, plus))).toLowerCase();
}

/**
 * PHP source as PHP's tokenizer sees through it: comments (`/* *\/`, and `#` or `//` up to a
 * newline) gone, whitespace gone, and string concatenation (`'sys'.'tem'`, `"sys" . "tem"`) joined
 * (quotes kept: `'system'` is still a quoted name), so a function name split by any of these
 * reads whole again. Applied to a normalized value.
 */
export function stripPhpNoise(value: string): string {
  return value
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, '')
    .replace(/(?:#|\/\/)[^\n]*\n/g, '')
    .replace(/\s+/g, '')
    .replace(/["']\.["']/g, '');
}

/** Comments removed, whitespace kept: for patterns where a space tells prose from code. */
export function stripPhpComments(value: string): string {
  return value.indexOf('/*') === -1 ? value : value.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, '');
}
