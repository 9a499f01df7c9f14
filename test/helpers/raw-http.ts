/**
 * Sends bytes exactly as written over a TCP connection and collects what comes back until the
 * server closes, for requests no well-behaved client library would send (smuggling attempts,
 * bare LF, slow-loris).
 */
import { connect } from 'node:net';

export async function rawRequest(url: string, chunks: (string | Buffer)[], options: { gapMs?: number } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    socket.write(chunk);
    if (options.gapMs !== undefined) await new Promise((r) => setTimeout(r, options.gapMs));
  }
  await closed;
  return Buffer.concat(received).toString('latin1');
}

/** Status code and parsed problem+json body of a raw HTTP/1.1 response. */
export function parseRawResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end === -1 ? raw.length : end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body: end === -1 ? '' : raw.slice(end + 4) };
}
