/**
 * Descriptors from gRPC server reflection (grpc/grpc doc/server-reflection.md), over the gateway's
 * own HTTP/2 sessions: on one bidirectional ServerReflectionInfo stream, ListServices, then
 * FileContainingSymbol for each service, then FileByFilename for any import not yet received,
 * until every file's imports are present. grpc.reflection.v1 is asked first, v1alpha when the
 * server does not implement it (grpc-status UNIMPLEMENTED). The endpoints are tried in order; the
 * first that answers wins. The messages are encoded by hand with protobuf-es' wire helpers: the
 * reflection protos ship no generated code in the protobuf runtime, and only a few fields are used.
 */
import { constants, type ClientHttp2Stream } from 'node:http2';
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import type { GrpcUpstreamConfig } from '../../config/types.js';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import { ConnectionTable } from '../../cluster/connection-table.js';
import { EndpointSessions } from './session.js';
import { FrameReader, frame } from './frames.js';
import { formatGrpcTimeout } from './grpc-timeout.js';
import { decodeGrpcMessage } from './metadata.js';

const VERSIONS = ['grpc.reflection.v1', 'grpc.reflection.v1alpha'] as const;
/** How long the whole exchange with one endpoint may take. */
const REFLECTION_TIMEOUT_MS = 10_000;

/** Every file the endpoints' reflection service gives for their services, imports included. */
export async function reflectFiles(config: GrpcUpstreamConfig): Promise<FileDescriptorProto[]> {
  const reasons: string[] = [];
  for (const endpoint of config.endpoints) {
    const sessions = new EndpointSessions(endpoint.url, { upstream: config.name, connectTimeout: config.timeouts.connect, idleTimeout: 1_000, maxSessions: 1, tls: config.tls }, new ConnectionTable());
    try {
      for (const version of VERSIONS) {
        const result = await reflectOnce(sessions, version);
        if (result !== 'unimplemented') return result;
      }
      reasons.push(`${endpoint.url}: the server implements neither grpc.reflection.v1 nor v1alpha`);
    } catch (err) {
      reasons.push(`${endpoint.url}: ${isSwitchyardError(err) ? err.message : String(err)}`);
    } finally {
      await sessions.close();
    }
  }
  throw new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `server reflection failed on every endpoint (${reasons.join('; ')})`);
}

async function reflectOnce(sessions: EndpointSessions, version: string): Promise<FileDescriptorProto[] | 'unimplemented'> {
  const got = sessions.acquire();
  const { session, done } = got instanceof Promise ? await got : got;
  const stream = session.request({
    ':method': 'POST',
    ':path': `/${version}.ServerReflection/ServerReflectionInfo`,
    ':authority': sessions.authority,
    ':scheme': sessions.url.startsWith('https:') ? 'https' : 'http',
    'content-type': 'application/grpc',
    te: 'trailers',
    'grpc-timeout': formatGrpcTimeout(REFLECTION_TIMEOUT_MS),
  });
  const conversation = new Conversation(stream);
  const timer = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), REFLECTION_TIMEOUT_MS);
  try {
    const services = await conversation.ask(new BinaryWriter().tag(7, WireType.LengthDelimited).string('*').finish());
    if (services === 'unimplemented') return 'unimplemented';
    const names = listedServices(services).filter((s) => !s.startsWith('grpc.reflection.'));
    const files = new Map<string, FileDescriptorProto>();
    const take = (answer: Uint8Array | 'unimplemented', asked: string) => {
      if (answer === 'unimplemented') throw new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `reflection stopped answering when asked for ${asked}`);
      for (const f of fileDescriptors(answer, asked)) if (!files.has(f.name)) files.set(f.name, f);
    };
    for (const name of names) take(await conversation.ask(new BinaryWriter().tag(4, WireType.LengthDelimited).string(name).finish()), name);
    for (;;) {
      const missing = [...files.values()].flatMap((f) => f.dependency).find((d) => !files.has(d));
      if (missing === undefined) break;
      take(await conversation.ask(new BinaryWriter().tag(3, WireType.LengthDelimited).string(missing).finish()), missing);
    }
    stream.end();
    return [...files.values()];
  } finally {
    clearTimeout(timer);
    if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
    done();
  }
}

/** Request/response turns on the bidirectional stream. */
class Conversation {
  readonly #stream: ClientHttp2Stream;
  readonly #answers: Uint8Array[] = [];
  #waiting: ((a: Uint8Array | Error | 'unimplemented') => void) | undefined;
  #end: Error | 'unimplemented' | undefined;

  constructor(stream: ClientHttp2Stream) {
    this.#stream = stream;
    const reader = new FrameReader(64 * 1024 * 1024);
    const settle = (a: Uint8Array | Error | 'unimplemented') => {
      const w = this.#waiting;
      this.#waiting = undefined;
      if (w !== undefined) w(a);
      else if (a instanceof Uint8Array) this.#answers.push(a);
      else this.#end ??= a;
    };
    const status = (fields: Record<string, unknown>) => {
      const code = fields['grpc-status'];
      if (code === undefined) return;
      if (String(code) === '12') settle('unimplemented');
      else if (String(code) !== '0') settle(new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `reflection answered grpc-status ${String(code)} ${decodeGrpcMessage(String(fields['grpc-message'] ?? ''))}`.trim()));
    };
    stream.on('response', (h) => {
      if (Number(h[':status']) !== 200) settle(new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `reflection answered HTTP ${String(h[':status'])}`));
      else status(h);
    });
    stream.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) settle(f.data);
    });
    stream.on('trailers', (t) => status(t));
    stream.on('error', (err: NodeJS.ErrnoException) => settle(new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `reflection stream failed: ${err.code ?? err.message}`)));
    stream.on('close', () => settle(new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', 'reflection stream ended before answering')));
  }

  ask(request: Uint8Array): Promise<Uint8Array | 'unimplemented'> {
    this.#stream.write(frame(request));
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#end !== undefined) return this.#end === 'unimplemented' ? Promise.resolve('unimplemented') : Promise.reject(this.#end);
    return new Promise((resolve, reject) => (this.#waiting = (a) => (a instanceof Error ? reject(a) : resolve(a))));
  }
}

/** ServerReflectionResponse.list_services_response (6) -> ListServiceResponse.service (1) -> ServiceResponse.name (1). */
function listedServices(response: Uint8Array): string[] {
  const names: string[] = [];
  for (const [no, value] of fields(response)) {
    if (no === 7) throw errorResponse(value, 'ListServices');
    if (no !== 6) continue;
    for (const [sno, service] of fields(value)) {
      if (sno !== 1) continue;
      for (const [nno, name] of fields(service)) if (nno === 1) names.push(Buffer.from(name).toString('utf8'));
    }
  }
  return names;
}

/** ServerReflectionResponse.file_descriptor_response (4) -> FileDescriptorResponse.file_descriptor_proto (1), each a FileDescriptorProto. */
function fileDescriptors(response: Uint8Array, asked: string): FileDescriptorProto[] {
  const files: FileDescriptorProto[] = [];
  for (const [no, value] of fields(response)) {
    if (no === 7) throw errorResponse(value, asked);
    if (no !== 4) continue;
    for (const [fno, bytes] of fields(value)) if (fno === 1) files.push(fromBinary(FileDescriptorProtoSchema, bytes));
  }
  return files;
}

/** ErrorResponse: error_code (1), error_message (2). */
function errorResponse(value: Uint8Array, asked: string): SwitchyardError {
  const reader = new BinaryReader(value);
  let code = 0;
  let message = '';
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (no === 1 && wire === WireType.Varint) code = reader.int32();
    else if (no === 2 && wire === WireType.LengthDelimited) message = reader.string();
    else reader.skip(wire);
  }
  return new SwitchyardError('SY_ERR_CONFIG_GRPC_DESCRIPTORS', `reflection could not answer for ${asked}: ${message || `error ${code}`}`);
}

/** The length-delimited fields of a message, as (number, bytes). */
function fields(bytes: Uint8Array): [number, Uint8Array][] {
  const reader = new BinaryReader(bytes);
  const out: [number, Uint8Array][] = [];
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (wire === WireType.LengthDelimited) out.push([no, reader.bytes()]);
    else reader.skip(wire);
  }
  return out;
}
