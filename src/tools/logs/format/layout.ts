/**
 * The compiled shape of a text access-log format: a leading literal, then fields each followed by
 * the literal that ends it. nginx `log_format` strings and Apache `LogFormat` strings both compile
 * to this, so one line parser serves both. It is plain data so it can be posted to worker threads.
 */

/** What a field of the line means to the analytics; anything else is skipped over. */
export type FieldRole =
  | 'client' // $remote_addr, %h, %a
  | 'forwardedFor' // $http_x_forwarded_for, %{X-Forwarded-For}i
  | 'time' // $time_local, $time_iso8601, $msec, %t
  | 'request' // "$request", %r: method, target and protocol in one field
  | 'method'
  | 'target' // $request_uri, %U%q: path and query
  | 'status'
  | 'bytes'
  | 'latency' // $request_time, %D, %T
  | 'upstreamLatency' // $upstream_response_time, used when no request time is logged
  | 'userAgent' // $http_user_agent, %{User-Agent}i
  | 'referrer' // $http_referer, %{Referer}i
  | 'skip';

/** How a time field is written. */
export type TimeSyntax = 'clf' | 'iso8601' | 'epochSeconds' | 'epochMillis';

/** Unit of a latency field, converted to microseconds when parsed. */
export type LatencyUnit = 's' | 'ms' | 'us';

export interface LayoutField {
  readonly role: FieldRole;
  /** Literal text that ends this field; '' means the field runs to the end of the line. */
  readonly until: string;
  /** Apache escapes `"` inside quoted fields as `\"`; such quotes do not end the field. */
  readonly backslashEscapes: boolean;
  readonly time?: TimeSyntax;
  readonly unit?: LatencyUnit;
}

export interface Layout {
  readonly kind: 'layout';
  /** The format string as the user wrote it (or the preset's), for messages. */
  readonly source: string;
  readonly leading: string;
  readonly fields: readonly LayoutField[];
}

/** Every format `switchyard logs` reads: a text layout, JSON lines, or W3C extended (IIS). */
export type FormatSpec = Layout | { readonly kind: 'json' } | { readonly kind: 'w3c' };

/** Builds a layout from a token list in which fields and literals alternate freely. */
export function layoutFrom(source: string, tokens: readonly (string | Omit<LayoutField, 'until'>)[]): Layout {
  let leading = '';
  const fields: LayoutField[] = [];
  let pending: Omit<LayoutField, 'until'> | undefined;
  let literal = '';
  const flush = (): void => {
    if (pending === undefined) leading += literal;
    else fields.push({ ...pending, until: literal });
    literal = '';
  };
  for (const token of tokens) {
    if (typeof token === 'string') {
      literal += token;
      continue;
    }
    if (pending !== undefined && literal === '') {
      // Two fields with nothing between them cannot be split: they are read as one value under
      // the first meaningful role. That is right for the usual cases, Apache `%U%q` and nginx
      // `$uri$is_args$args`, where the second field extends the first.
      if (pending.role === 'skip') pending = token;
      continue;
    }
    flush();
    pending = token;
  }
  flush();
  return { kind: 'layout', source, leading, fields };
}
