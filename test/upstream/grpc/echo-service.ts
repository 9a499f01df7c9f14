/**
 * A real gRPC service for the gRPC tests: echo.v1.Echo on @grpc/grpc-js, from a .proto written
 * to a temp directory (unary, server, client and bidirectional streaming, an error with details
 * and trailing metadata, a slow call that notices cancellation), on 127.0.0.1 port 0.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const ECHO_PROTO = `syntax = "proto3";
package echo.v1;

service Echo {
  rpc Say(EchoRequest) returns (EchoReply);
  rpc Count(EchoRequest) returns (stream EchoReply);
  rpc Collect(stream EchoRequest) returns (EchoReply);
  rpc Chat(stream EchoRequest) returns (stream EchoReply);
  rpc Fail(EchoRequest) returns (EchoReply);
  rpc Slow(EchoRequest) returns (EchoReply);
}

message EchoRequest {
  string text = 1;
  int32 count = 2;
  int32 delay_ms = 3;
}

message EchoReply {
  string text = 1;
  int32 index = 2;
}
`;

export interface EchoReply {
  text: string;
  index: number;
}

export interface EchoServer {
  readonly port: number;
  readonly url: string;
  /** Directory holding echo/v1/echo.proto. */
  readonly protoDir: string;
  /** Metadata of the calls received, in order. */
  readonly seen: grpc.Metadata[];
  /** Calls cancelled by their client, by method. */
  readonly cancelled: string[];
  /** The deadline each Slow call arrived with (Infinity: none). */
  readonly deadlines: (Date | number)[];
  readonly server: grpc.Server;
  /** A client of the Echo service at `target` (host:port). */
  client(target: string): grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  stop(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const protoDir = await mkdtemp(join(tmpdir(), 'sy-echo-'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(protoDir, 'echo', 'v1'), { recursive: true });
  await writeFile(join(protoDir, 'echo', 'v1', 'echo.proto'), ECHO_PROTO);
  const definition = protoLoader.loadSync('echo/v1/echo.proto', { includeDirs: [protoDir], keepCase: true, defaults: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { echo: { v1: { Echo: grpc.ServiceClientConstructor } } };
  const Echo = pkg.echo.v1.Echo;
  const seen: grpc.Metadata[] = [];
  const cancelled: string[] = [];
  const deadlines: (Date | number)[] = [];
  const server = new grpc.Server();
  type Req = { text: string; count: number; delay_ms: number };
  const reply = (text: string, index = 0) => ({ text, index });
  server.addService(Echo.service, {
    Say(call: grpc.ServerUnaryCall<Req, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) {
      seen.push(call.metadata);
      const header = new grpc.Metadata();
      header.set('x-echo-header', 'head');
      call.sendMetadata(header);
      const trailer = new grpc.Metadata();
      trailer.set('x-echo-trailer', 'tail');
      cb(null, reply(`hello ${call.request.text}`), trailer);
    },
    Count(call: grpc.ServerWritableStream<Req, EchoReply>) {
      seen.push(call.metadata);
      for (let i = 0; i < call.request.count; i++) call.write(reply(call.request.text, i));
      call.end();
    },
    Collect(call: grpc.ServerReadableStream<Req, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) {
      seen.push(call.metadata);
      const texts: string[] = [];
      call.on('data', (r: Req) => texts.push(r.text));
      call.on('end', () => cb(null, reply(texts.join('+'), texts.length)));
    },
    Chat(call: grpc.ServerDuplexStream<Req, EchoReply>) {
      seen.push(call.metadata);
      let i = 0;
      call.on('data', (r: Req) => call.write(reply(r.text.toUpperCase(), i++)));
      call.on('end', () => call.end());
    },
    Fail(call: grpc.ServerUnaryCall<Req, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) {
      seen.push(call.metadata);
      const trailer = new grpc.Metadata();
      trailer.set('x-why', 'because');
      cb({ code: grpc.status.NOT_FOUND, details: `no such thing: ${call.request.text}`, metadata: trailer });
    },
    Slow(call: grpc.ServerUnaryCall<Req, EchoReply>, cb: grpc.sendUnaryData<EchoReply>) {
      seen.push(call.metadata);
      deadlines.push(call.getDeadline());
      const timer = setTimeout(() => cb(null, reply('slow')), call.request.delay_ms);
      call.on('cancelled', () => {
        clearTimeout(timer);
        cancelled.push('Slow');
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    port,
    url: `h2c://127.0.0.1:${port}`,
    protoDir,
    seen,
    cancelled,
    deadlines,
    server,
    client: (target) => new Echo(target, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>,
    async stop() {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      await rm(protoDir, { recursive: true, force: true });
    },
  };
}
