/**
 * Compiles an nginx `log_format` string (`$remote_addr - $remote_user [$time_local] ...`) into a
 * layout. Variables follow nginx's syntax: `$name` or `${name}`, names of letters, digits and `_`
 * (ngx_http_log_module). nginx escapes `"` as `\x22` in variables, so a quote always ends a field.
 */
import { SwitchyardError } from '../../../errors.js';
import { layoutFrom, type Layout, type LayoutField } from './layout.js';

type FieldToken = Omit<LayoutField, 'until'>;

const plain = (role: LayoutField['role']): FieldToken => ({ role, backslashEscapes: false });

/** The variables that carry something the reports use; every other variable is skipped. */
const VARIABLES: Readonly<Record<string, FieldToken>> = {
  remote_addr: plain('client'),
  binary_remote_addr: plain('skip'),
  http_x_forwarded_for: plain('forwardedFor'),
  http_user_agent: plain('userAgent'),
  http_referer: plain('referrer'),
  time_local: { role: 'time', backslashEscapes: false, time: 'clf' },
  time_iso8601: { role: 'time', backslashEscapes: false, time: 'iso8601' },
  msec: { role: 'time', backslashEscapes: false, time: 'epochSeconds' },
  request: plain('request'),
  request_method: plain('method'),
  request_uri: plain('target'),
  uri: plain('target'),
  document_uri: plain('target'),
  status: plain('status'),
  body_bytes_sent: plain('bytes'),
  bytes_sent: plain('bytes'),
  request_time: { role: 'latency', backslashEscapes: false, unit: 's' },
  upstream_response_time: { role: 'upstreamLatency', backslashEscapes: false, unit: 's' },
};

export function compileNginxFormat(format: string): Layout {
  const tokens: (string | FieldToken)[] = [];
  let i = 0;
  let literal = '';
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '$') {
      literal += ch;
      i++;
      continue;
    }
    let name: string;
    if (format[i + 1] === '{') {
      const close = format.indexOf('}', i + 2);
      if (close === -1) throw formatError(format, `unclosed "\${" at offset ${i}`);
      name = format.slice(i + 2, close);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < format.length && /[A-Za-z0-9_]/.test(format[j] ?? '')) j++;
      name = format.slice(i + 1, j);
      i = j;
    }
    if (name === '') throw formatError(format, `"$" without a variable name at offset ${i - 1}`);
    if (literal !== '') tokens.push(literal);
    literal = '';
    tokens.push(VARIABLES[name] ?? plain('skip'));
  }
  if (literal !== '') tokens.push(literal);
  return checked(layoutFrom(format, tokens));
}

/** A layout must at least say what was requested, or no report can be made from it. */
export function checked(layout: Layout): Layout {
  const roles = new Set(layout.fields.map((f) => f.role));
  if (!roles.has('request') && !roles.has('target') && !roles.has('client') && !roles.has('status')) {
    throw formatError(layout.source, 'it has no client, request, path or status field');
  }
  return layout;
}

export function formatError(format: string, why: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_LOG_FORMAT', `log format ${JSON.stringify(format)} cannot be used: ${why}`);
}
