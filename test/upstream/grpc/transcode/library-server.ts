/**
 * A real @grpc/grpc-js server of the tests' library.v1.Library (test/fixtures/grpc-transcode),
 * its service definition made from the compiled descriptors with @bufbuild/protobuf. It keeps
 * every request message it received and every message it sent, so a test can compare a REST
 * answer with @bufbuild/protobuf's own toJson of what the server sent.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage, type DescService, type FileRegistry, type Message } from '@bufbuild/protobuf';
import { anyPack, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { compileModule } from '../../../../src/proto/compile.js';

export const FIXTURE = fileURLToPath(new URL('../../../../../test/fixtures/grpc-transcode', import.meta.url));

export interface LibraryServer {
  readonly port: number;
  readonly descriptors: Uint8Array;
  readonly registry: FileRegistry;
  schema(name: string): DescMessage;
  /** Request messages received, by method name, oldest first. */
  readonly received: Map<string, Message[]>;
  /** Response messages sent, by method name. */
  readonly sent: Map<string, Message[]>;
  /** Metadata of the last call of each method. */
  readonly metadata: Map<string, grpc.Metadata>;
  /** The deadline of the last call of each method (epoch ms; Infinity when none). */
  readonly deadlines: Map<string, number>;
  /** Methods whose calls the client cancelled, in order. */
  readonly cancellations: string[];
  close(): Promise<void>;
}

let compiled: Promise<Uint8Array> | undefined;

/** The fixture's descriptor set (with imports), compiled once per test process. */
export function libraryDescriptors(): Promise<Uint8Array> {
  compiled ??= compileModule(FIXTURE, { cwd: FIXTURE }).then((c) => toBinary(FileDescriptorSetSchema, c.set));
  return compiled;
}

type Handler = (call: { request: Message; metadata: grpc.Metadata; send: (m: Message) => void; header: (md: grpc.Metadata) => void; cancelled: Promise<void> }) => Promise<Message | undefined>;

export async function startLibraryServer(): Promise<LibraryServer> {
  const descriptors = await libraryDescriptors();
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptors));
  const schema = (name: string): DescMessage => {
    const desc = registry.getMessage(name);
    if (desc === undefined) throw new TypeError(`no message ${name}`);
    return desc;
  };
  const service = registry.getService('library.v1.Library') as DescService;
  const received = new Map<string, Message[]>();
  const sent = new Map<string, Message[]>();
  const metadata = new Map<string, grpc.Metadata>();
  const deadlines = new Map<string, number>();
  const cancellations: string[] = [];
  const Book = schema('library.v1.Book');

  const book = (name: string): Message =>
    create(Book, {
      name,
      title: 'The Left Hand of Darkness',
      authorName: 'Ursula K. Le Guin',
      pageCount: 9007199254740993n,
      genre: 1,
      published: { seconds: 1_000_000_000n, nanos: 5_000_000 },
      tags: ['classic', 'winter'],
      labels: { shelf: 'a', row: '3' },
      cover: new Uint8Array([0xfb, 0xff, 0x01]),
      rating: 4.5,
      format: { case: 'isbn', value: '978-0441478125' },
      copies: 18446744073709551615n,
      editors: [{ name: 'Terry Carr', born: 1937 }, { name: 'Unset Born' }],
    } as never);

  const handlers: Record<string, Handler> = {
    GetBook: async ({ request, metadata: md, header }) => {
      const name = (request as unknown as { name: string }).name;
      if (name.endsWith('/missing')) throw Object.assign(new Error(), { code: grpc.status.NOT_FOUND, details: `book ${name} does not exist` });
      const answer = book(name);
      if (name.endsWith('/echo')) {
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(md.getMap())) labels[k] = Buffer.isBuffer(v) ? `bin:${v.toString('hex')}` : v;
        (answer as unknown as { labels: Record<string, string> }).labels = labels;
        const h = new grpc.Metadata();
        h.set('x-served-by', 'library-1');
        header(h);
      }
      return answer;
    },
    ListBooks: async () => create(schema('library.v1.ListBooksResponse'), { books: [book('shelves/1/books/1'), book('shelves/1/books/2')], nextPageToken: 'next' } as never),
    ListTitles: async () => create(schema('library.v1.ListBooksResponse'), { books: [book('shelves/1/books/1')], nextPageToken: 'dropped' } as never),
    CreateBook: async ({ request }) => (request as unknown as { book?: Message }).book ?? create(Book),
    UpdateBook: async ({ request }) => (request as unknown as { book?: Message }).book ?? create(Book),
    DeleteBook: async () => create(schema('google.protobuf.Empty')),
    PublishBook: async ({ request }) => book((request as unknown as { name: string }).name),
    GetByName: async () => create(Book, { title: 'by name' } as never),
    GetLatest: async () => create(Book, { title: 'latest' } as never),
    GetNewest: async () => create(Book, { title: 'newest' } as never),
    GetNewestByName: async () => create(Book, { title: 'newest by name' } as never),
    WatchBooks: async ({ request, send, cancelled }) => {
      const r = request as unknown as { parent: string; count: number; failCode: number; hold: boolean };
      for (let i = 0; i < r.count; i++) send(book(`${r.parent}/books/${i}`));
      if (r.hold) {
        await cancelled;
        cancellations.push('WatchBooks');
        return undefined;
      }
      if (r.failCode !== 0) throw Object.assign(new Error(), { code: r.failCode, details: `watch failed after ${r.count}` });
      return undefined;
    },
    Upload: async ({ request }) => {
      const file = (request as unknown as { file?: { contentType: string; data: Uint8Array } }).file;
      return create(schema('google.api.HttpBody'), { contentType: 'text/plain', data: new TextEncoder().encode(`got ${file?.data.length ?? 0} bytes of ${file?.contentType ?? ''}`) } as never);
    },
    Download: async ({ request }) => create(schema('google.api.HttpBody'), { contentType: 'application/pdf', data: new TextEncoder().encode(`%PDF ${(request as unknown as { name: string }).name}`) } as never),
    Fail: async ({ request }) => {
      const r = request as unknown as { code: number; message: string };
      const md = new grpc.Metadata();
      const reason = create(schema('library.v1.FailureReason'), { reason: 'QUOTA', field: 'book.title', retryAfterMs: 1500n } as never);
      md.set('grpc-status-details-bin', Buffer.from(statusBytes(r.code, r.message || `failed with ${r.code}`, [toBinary(schema('google.protobuf.Any'), anyPack(schema('library.v1.FailureReason'), reason) as never)])));
      md.set('x-failure-id', 'f-1');
      throw Object.assign(new Error(), { code: r.code, details: r.message || `failed with ${r.code}`, metadata: md });
    },
  };

  const definition: Record<string, grpc.MethodDefinition<Message, Message>> = {};
  const impl: grpc.UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const input = method.input;
    const output = method.output;
    definition[method.name] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: (m: Message) => Buffer.from(toBinary(input, m)),
      requestDeserialize: (b: Buffer) => fromBinary(input, b),
      responseSerialize: (m: Message) => Buffer.from(toBinary(output, m)),
      responseDeserialize: (b: Buffer) => fromBinary(output, b),
      originalName: method.name,
    };
    const handler = handlers[method.name];
    const record = (request: Message, md: grpc.Metadata, deadline: grpc.Deadline) => {
      received.set(method.name, [...(received.get(method.name) ?? []), request]);
      metadata.set(method.name, md);
      deadlines.set(method.name, deadline instanceof Date ? deadline.getTime() : deadline);
    };
    const note = (m: Message) => sent.set(method.name, [...(sent.get(method.name) ?? []), m]);
    if (method.methodKind === 'server_streaming') {
      impl[method.name] = (call: grpc.ServerWritableStream<Message, Message>) => {
        record(call.request, call.metadata, call.getDeadline());
        const cancelled = new Promise<void>((resolve) => call.once('cancelled', () => resolve()));
        void (handler as Handler)({ request: call.request, metadata: call.metadata, send: (m) => (note(m), call.write(m)), header: (md) => call.sendMetadata(md), cancelled }).then(
          () => call.end(),
          (err: grpc.ServiceError) => call.emit('error', err),
        );
      };
    } else if (method.methodKind === 'unary') {
      impl[method.name] = (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
        record(call.request, call.metadata, call.getDeadline());
        void (handler as Handler)({ request: call.request, metadata: call.metadata, send: () => {}, header: (md) => call.sendMetadata(md), cancelled: new Promise(() => {}) }).then(
          (m) => {
            note(m as Message);
            const trailer = new grpc.Metadata();
            trailer.set('x-trailer', 'done');
            callback(null, m, trailer);
          },
          (err: grpc.ServiceError) => callback(err),
        );
      };
    } else {
      impl[method.name] = (call: grpc.ServerReadableStream<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
        call.on('data', () => {});
        call.on('end', () => callback(null, create(output)));
      };
    }
  }
  const server = new grpc.Server();
  server.addService(definition as grpc.ServiceDefinition, impl);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))));
  return {
    port,
    descriptors,
    registry,
    schema,
    received,
    sent,
    metadata,
    deadlines,
    cancellations,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** A google.rpc.Status, written field by field (code 1, message 2, details 3). */
function statusBytes(code: number, message: string, details: Uint8Array[]): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, 0).int32(code);
  w.tag(2, 2).string(message);
  for (const d of details) w.tag(3, 2).bytes(d);
  return w.finish();
}
