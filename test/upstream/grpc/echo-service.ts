/**
 * A real gRPC service for the gRPC tests: echo.v1.Echo on @grpc/grpc-js, from a .proto written
 * to a temp directory (unary, server, client and bidirectional streaming, an error with details
 * and trailing metadata, a slow call that notices cancellation), on 127.0.0.1 port 0. On request
 * it also serves grpc.health.v1.Health/Check and server reflection (v1 and/or v1alpha) from the
 * descriptors the project's compiler makes of the proto; both are written here on grpc-js's
 * generic service definitions, since no package for them is installed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { toBinary } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { compileModule } from '../../../src/proto/compile.js';

export const ECHO_PROTO = `syntax = "proto3";
package echo.v1;

import "google/protobuf/timestamp.proto";

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
  google.protobuf.Timestamp at = 3;
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
  /** What Health/Check answers (1 SERVING, 2 NOT_SERVING); checks received so far. */
  serving: number;
  readonly healthChecks: number;
  /** A client of the Echo service at `target` (host:port). */
  client(target: string): grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  stop(): Promise<void>;
}

export interface EchoOptions {
  /** Serve grpc.health.v1.Health/Check. */
  readonly health?: boolean;
  /** Serve server reflection under these versions ('v1', 'v1alpha'). */
  readonly reflection?: readonly string[];
  /** Serve over TLS with this certificate and key (PEM); `url` is then https://. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

export async function startEchoServer(options: EchoOptions = {}): Promise<EchoServer> {
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
  let healthChecks = 0;
  const state = { serving: 1 };
  if (options.health === true) {
    server.addService(rawService('/grpc.health.v1.Health/', ['Check'], false), {
      Check(_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
        healthChecks++;
        cb(null, Buffer.from([0x08, state.serving]));
      },
    });
  }
  for (const version of options.reflection ?? []) {
    const files = (await compileModule(protoDir, { cwd: protoDir })).set.file;
    const bytesOf = (name: string) => files.filter((f) => f.name === name).map((f) => toBinary(FileDescriptorProtoSchema, f));
    server.addService(rawService(`/grpc.reflection.${version}.ServerReflection/`, ['ServerReflectionInfo'], true), {
      ServerReflectionInfo(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
        call.on('data', (req: Buffer) => {
          const reader = new BinaryReader(req);
          const out = new BinaryWriter();
          while (reader.pos < reader.len) {
            const [no, wire] = reader.tag();
            if (wire !== WireType.LengthDelimited) {
              reader.skip(wire);
              continue;
            }
            const value = reader.string();
            if (no === 7) {
              const list = new BinaryWriter();
              for (const name of ['echo.v1.Echo', `grpc.reflection.${version}.ServerReflection`]) list.tag(1, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).string(name).finish());
              out.tag(6, WireType.LengthDelimited).bytes(list.finish());
            } else if (no === 4 || no === 3) {
              // Only the file asked for: its imports must be asked for by name (FileByFilename).
              const found = no === 4 ? (value.startsWith('echo.v1.') ? bytesOf('echo/v1/echo.proto') : []) : bytesOf(value);
              const answer = new BinaryWriter();
              for (const b of found) answer.tag(1, WireType.LengthDelimited).bytes(b);
              if (found.length === 0) out.tag(7, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.Varint).int32(5).tag(2, WireType.LengthDelimited).string(`${value} not found`).finish());
              else out.tag(4, WireType.LengthDelimited).bytes(answer.finish());
            }
          }
          call.write(Buffer.from(out.finish()));
        });
        call.on('end', () => call.end());
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', options.tls === undefined ? grpc.ServerCredentials.createInsecure() : grpc.ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }]), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    port,
    url: `${options.tls === undefined ? 'h2c' : 'https'}://127.0.0.1:${port}`,
    protoDir,
    seen,
    cancelled,
    deadlines,
    server,
    get serving() {
      return state.serving;
    },
    set serving(value: number) {
      state.serving = value;
    },
    get healthChecks() {
      return healthChecks;
    },
    client: (target) => new Echo(target, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>,
    async stop() {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      await rm(protoDir, { recursive: true, force: true });
    },
  };
}

/** A service definition whose messages stay bytes: the test writes them by hand. */
function rawService(prefix: string, methods: readonly string[], streaming: boolean): grpc.ServiceDefinition {
  const same = (b: Buffer) => b;
  return Object.fromEntries(
    methods.map((m) => [m, { path: `${prefix}${m}`, requestStream: streaming, responseStream: streaming, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same, originalName: m }]),
  ) as unknown as grpc.ServiceDefinition;
}
