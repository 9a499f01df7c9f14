/**
 * bench:grpc's ceiling row: the least a Node process can do to relay a gRPC call over HTTP/2 —
 * one kept session to the service, each client stream piped to a new upstream stream, head,
 * DATA and trailers copied, nothing checked. What it costs per call is node:http2's share of
 * what Switchyard's passthrough costs. `node h2-relay.js UPSTREAM_PORT` prints `listening PORT`.
 */
import { connect, createServer, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';

const upstream = connect(`http://127.0.0.1:${process.argv[2] ?? ''}`);
const server = createServer();
server.on('stream', (stream, headers) => {
  const fields: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':')) fields[name] = value;
  const up = upstream.request({ ':method': 'POST', ':path': headers[':path'], ...fields });
  stream.pipe(up);
  let trailers: IncomingHttpHeaders = {};
  up.on('response', (head) => stream.respond(head, { waitForTrailers: true }));
  up.on('data', (chunk: Buffer) => stream.write(chunk));
  up.on('trailers', (t) => (trailers = t));
  up.on('end', () => stream.end());
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  up.on('error', () => stream.close());
  stream.on('error', () => up.close());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
