/**
 * The answer to a directory named without its trailing slash on a `static: true` route: a 301 to
 * the same path with the slash, the query string kept, as nginx's static module sends it. Without
 * it the directory's index would run at `/wp-admin`, and every relative link on the page
 * (`edit.php`) would resolve against `/` instead of `/wp-admin/`.
 *
 * The Location is absolute, as nginx's is (`absolute_redirect on`, its default): the scheme of
 * the client's connection and the Host header as sent. nginx puts its own listening port in place
 * of the Host header's (`port_in_redirect`), which is the same when the client talks to it
 * directly and wrong behind a port mapping; the gateway keeps the client's. A request without a
 * usable Host gets the address it was received on, as nginx does.
 */
import type { Exchange } from '../../listener/exchange.js';

/** RFC 9110 section 7.2 `Host = uri-host [ ":" port ]`: a reg-name or IPv4 address, or an IP-literal. */
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** `path` is the normalised, percent-encoded path that ends with the slash. */
export function redirectToDirectory(exchange: Exchange, path: string): void {
  const location = `${origin(exchange)}${path}${exchange.query === '' ? '' : `?${exchange.query}`}`;
  // RFC 9110 section 15.4.2: a short hypertext note with a link to the new URI (node:http leaves
  // the body out of an answer to HEAD and keeps its Content-Length).
  const body = `<html><body><a href="${escapeHtml(location)}">moved permanently</a></body></html>\n`;
  exchange.writeHead(301, {
    location,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  exchange.res.end(body);
}

function origin(exchange: Exchange): string {
  const socket = exchange.socket;
  const scheme = exchange.secure ? 'https' : 'http';
  const host = exchange.req.headers.host;
  if (host !== undefined && HOST.test(host)) return `${scheme}://${host}`;
  const address = socket.localAddress ?? '127.0.0.1';
  const port = socket.localPort === undefined || socket.localPort === (scheme === 'https' ? 443 : 80) ? '' : `:${socket.localPort}`;
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}${port}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
