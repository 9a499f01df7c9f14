/**
 * Compiles an Apache `LogFormat` string (`%h %l %u %t \"%r\" %>s %b`) into a layout, following
 * mod_log_config's directives: `%h %a %t %r %s %>s %b %B %O %D %T %U %q %m`, `%{Header}i`,
 * `%{ms}T`/`%{us}T`, `%{sec}t`/`%{msec}t`, modifiers such as `%400,501{...}i` and `%<s`. Apache
 * escapes `"` inside header values and the request line as `\"`, so quoted fields honour that.
 */
import { layoutFrom, type Layout, type LayoutField } from './layout.js';
import { checked, formatError } from './nginx-format.js';

type FieldToken = Omit<LayoutField, 'until'>;

const field = (role: LayoutField['role'], extra: Partial<FieldToken> = {}): FieldToken => ({
  role,
  backslashEscapes: true,
  ...extra,
});

function directive(letter: string, arg: string | undefined): FieldToken {
  switch (letter) {
    case 'h':
    case 'a':
      return field('client');
    case 't':
      if (arg === undefined) return field('time', { time: 'clf' });
      if (arg === 'sec') return field('time', { time: 'epochSeconds' });
      if (arg === 'msec') return field('time', { time: 'epochMillis' });
      return field('skip'); // strftime layouts: not worth guessing
    case 'r':
      return field('request');
    case 'm':
      return field('method');
    case 'U':
      return field('target');
    case 's':
      return field('status');
    case 'b':
    case 'B':
    case 'O':
      return field('bytes');
    case 'D':
      return field('latency', { unit: 'us' });
    case 'T':
      if (arg === 'ms') return field('latency', { unit: 'ms' });
      if (arg === 'us') return field('latency', { unit: 'us' });
      return field('latency', { unit: 's' });
    case 'i':
      switch (arg?.toLowerCase()) {
        case 'x-forwarded-for':
          return field('forwardedFor');
        case 'user-agent':
          return field('userAgent');
        case 'referer':
          return field('referrer');
        default:
          return field('skip');
      }
    default:
      return field('skip');
  }
}

export function compileApacheFormat(format: string): Layout {
  // Users often paste the directive's argument with its escaped quotes from httpd.conf.
  const text = format.replace(/\\"/g, '"');
  const tokens: (string | FieldToken)[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '%') {
      literal += ch;
      i++;
      continue;
    }
    if (text[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    let j = i + 1;
    // Conditions (`!400,501`) and the `<`/`>` original/final request modifiers.
    while (j < text.length && /[!0-9,<>]/.test(text[j] ?? '')) j++;
    let arg: string | undefined;
    if (text[j] === '{') {
      const close = text.indexOf('}', j + 1);
      if (close === -1) throw formatError(format, `unclosed "%{" at offset ${i}`);
      arg = text.slice(j + 1, close);
      j = close + 1;
    }
    const letter = text[j];
    if (letter === undefined || !/[A-Za-z]/.test(letter)) throw formatError(format, `"%" without a directive at offset ${i}`);
    i = j + 1;
    if (letter === 't' && arg === undefined) {
      // Plain %t writes its own brackets: `[10/Oct/2000:13:55:36 -0700]`.
      literal += '[';
      tokens.push(literal, directive(letter, arg));
      literal = ']';
      continue;
    }
    if (literal !== '') tokens.push(literal);
    literal = '';
    tokens.push(directive(letter, arg));
  }
  if (literal !== '') tokens.push(literal);
  return checked(layoutFrom(format, tokens));
}
