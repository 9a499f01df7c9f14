/**
 * A test stand-in for the grpc upstream's GrpcInvoker: one node:http2 session to one endpoint,
 * gRPC's length-prefixed framing, status from the trailers (or a trailers-only head). It lets the
 * transcoder be tested against a real grpc-js server without the cluster around the calls.
 */
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { GrpcCall, GrpcInvoker, GrpcMetadata, GrpcStatus } from '../../../../src/upstream/grpc/invoker.js';
import { SwitchyardError } from '../../../../src/errors.js';

export interface TestInvoker extends GrpcInvoker {
  close(): Promise<void>;
}

const RESERVED = new Set(['content-type', 'grpc-status', 'grpc-message', 'grpc-status-details-bin', 'date', 'grpc-encoding', 'grpc-accept-encoding', 'content-length']);

function metadataOf(headers: IncomingHttpHeaders): GrpcMetadata {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || RESERVED.has(name) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, String(v)]);
  }
  return out;
}

function statusOf(headers: IncomingHttpHeaders): GrpcStatus | undefined {
  const code = headers['grpc-status'];
  if (code === undefined) return undefined;
  const details = headers['grpc-status-details-bin'];
  return {
    code: Number(code),
    message: decodeURIComponent(String(headers['grpc-message'] ?? '')),
    details: typeof details === 'string' ? new Uint8Array(Buffer.from(details, 'base64')) : undefined,
    trailers: metadataOf(headers),
  };
}

export function testInvoker(port: number): TestInvoker {
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  return {
    call(path, requests, options): GrpcCall {
      const fields: OutgoingHttpHeaders = { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' };
      for (const [name, value] of options.metadata) {
        const existing = fields[name];
        fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value];
      }
      if (options.deadline !== undefined) fields['grpc-timeout'] = `${Math.max(1, Math.ceil(options.deadline))}m`;
      const stream = session.request(fields);
      options.signal.addEventListener('abort', () => stream.close(constants.NGHTTP2_CANCEL), { once: true });
      let final: GrpcStatus | undefined;
      let resolveStatus!: (s: GrpcStatus) => void;
      const status = new Promise<GrpcStatus>((r) => (resolveStatus = r));
      const headers = new Promise<GrpcMetadata>((resolve, reject) => {
        stream.on('response', (head) => {
          final = statusOf(head);
          resolve(metadataOf(head));
        });
        stream.on('close', () => reject(new SwitchyardError('SY_ERR_UPSTREAM_RESET', 'the stream closed before its head')));
      });
      headers.catch(() => undefined);
      stream.on('trailers', (t) => (final ??= statusOf(t)));
      stream.on('error', () => {});
      const chunks: Buffer[] = [];
      let pending = Buffer.alloc(0);
      const waiters: (() => void)[] = [];
      let ended = false;
      stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5) {
          const len = pending.readUInt32BE(1);
          if (pending.length < 5 + len) break;
          chunks.push(pending.subarray(5, 5 + len));
          pending = pending.subarray(5 + len);
        }
        waiters.splice(0).forEach((w) => w());
      });
      stream.on('close', () => {
        ended = true;
        waiters.splice(0).forEach((w) => w());
        resolveStatus(final ?? { code: 14, message: 'the stream closed without a status', details: undefined, trailers: [] });
      });
      void (async () => {
        for await (const m of requests) {
          const head = Buffer.alloc(5);
          head.writeUInt32BE(m.length, 1);
          stream.write(Buffer.concat([head, m]));
        }
        stream.end();
      })();
      const messages: AsyncIterable<Uint8Array> = {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            const next = chunks.shift();
            if (next !== undefined) yield new Uint8Array(next);
            else if (ended) return;
            else await new Promise<void>((r) => waiters.push(r));
          }
        },
      };
      return { headers, messages, status };
    },
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}
