/**
 * Header handling every HTTP proxy hop must do: drop hop-by-hop fields (RFC 9110 §7.6.1: the
 * fixed list plus whatever `Connection` names) and add the forwarding fields (X-Forwarded-*,
 * RFC 7239 `Forwarded`, RFC 9110 §7.6.3 `Via`).
 */
import type { IncomingHttpHeaders } from 'node:http';

export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  // Hot path (every request and response): no Set and no entry arrays unless `Connection` names
  // extra fields, which is rare.
  const connection = headers.connection;
  let named: Set<string> | undefined;
  if (connection !== undefined) {
    for (const token of String(connection).split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== 'close' && name !== 'keep-alive') (named ??= new Set()).add(name);
    }
  }
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name) === true) continue;
    out[name] = value;
  }
  return out;
}

export function addForwardingHeaders(headers: Record<string, string | string[]>, client: { address: string; proto: string; host: string | undefined }): void {
  const prior = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? client.address : `${String(prior)}, ${client.address}`;
  headers['x-forwarded-proto'] = client.proto;
  if (client.host !== undefined) headers['x-forwarded-host'] = client.host;
  const node = client.address.includes(':') ? `"[${client.address}]"` : client.address;
  const forwarded = `for=${node};proto=${client.proto}${client.host === undefined ? '' : `;host="${client.host}"`}`;
  headers['forwarded'] = headers['forwarded'] === undefined ? forwarded : `${String(headers['forwarded'])}, ${forwarded}`;
  appendVia(headers);
}

/** How this hop names itself in Via. */
export const VIA_SELF = '1.1 switchyard';

/** RFC 9110 §7.6.3: a proxy adds itself to Via, on requests and on responses. */
export function appendVia(headers: Record<string, string | string[]>): void {
  const prior = headers['via'];
  headers['via'] = prior === undefined ? VIA_SELF : `${String(prior)}, ${VIA_SELF}`;
}
