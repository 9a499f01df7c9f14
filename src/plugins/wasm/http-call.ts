/**
 * `proxy_http_call` made real: the request a module serialized is sent to the base URL its
 * plugin configuration gives the upstream name (`upstreams: { name: url }`), with undici, off
 * the request path. A failure is answered as the ABI says, with no headers.
 */
import { request } from 'undici';
import type { HttpCallOut } from './messages.js';

export interface HttpCallResult {
  readonly headers: string[];
  readonly body: Uint8Array;
  readonly trailers: string[];
}

const FAILED: HttpCallResult = { headers: [], body: new Uint8Array(0), trailers: [] };

export async function performHttpCall(base: string, call: HttpCallOut): Promise<HttpCallResult> {
  let method = 'GET';
  let path = '/';
  let authority = '';
  const headers: Record<string, string> = {};
  for (let i = 0; i < call.headers.length; i += 2) {
    const name = call.headers[i] as string;
    const value = call.headers[i + 1] as string;
    if (name === ':method') method = value;
    else if (name === ':path') path = value;
    else if (name === ':authority') authority = value;
    else if (!name.startsWith(':')) headers[name] = value;
  }
  headers['host'] = authority;
  const timeout = call.timeout > 0 ? call.timeout : 5000;
  // The call goes to the configured upstream only, whatever `:path` holds (an absolute URL too).
  const target = new URL(path, base);
  if (target.origin !== new URL(base).origin) return FAILED;
  try {
    const res = await request(target, {
      method: method as 'GET',
      headers,
      body: call.body.length > 0 ? call.body : null,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout),
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    const pairs = [':status', String(res.statusCode)];
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) pairs.push(name, v);
    }
    const trailers = Object.entries(res.trailers ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [name, String(value)]));
    return { headers: pairs, body, trailers };
  } catch {
    return FAILED;
  }
}
