/**
 * The transcoder's own CPU per call, in process: POST /v1/echo with 32 bytes as base64 through
 * createTranscoder().handle with an invoker that answers the request bytes at once, so only the
 * transcoding is measured (binding match, JSON to protobuf and back, metadata, the answer),
 * against making the request's Exchange alone. CPU time (process.cpuUsage), not wall time, so a
 * busy machine moves it less.
 *
 *   npm run build && node dist/bench/grpc/transcode-micro.js
 */
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { pino } from 'pino';
import { compileModule } from '../../src/proto/compile.js';
import { Exchange, type ExchangeRequest, type ExchangeResponse } from '../../src/listener/exchange.js';
import { createTranscoder } from '../../src/upstream/grpc/transcode/index.js';
import type { GrpcInvoker } from '../../src/upstream/grpc/invoker.js';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 20_000);
const protos = fileURLToPath(new URL('../../../bench/grpc/protos', import.meta.url));
const compiled = await compileModule(protos, { cwd: protos });
const transcoder = createTranscoder({
  name: 'svc',
  descriptors: toBinary(FileDescriptorSetSchema, compiled.set),
  json: { emitUnpopulated: true, useProtoNames: false, useEnumNumbers: false },
  unknownQueryParameters: 'ignore',
});
const body = Buffer.from(JSON.stringify({ data: Buffer.alloc(32, 0x61).toString('base64') }));
const echo: GrpcInvoker = {
  call(_path, requests) {
    const [message] = [...(requests as Iterable<Uint8Array>)];
    return {
      headers: Promise.resolve([]),
      messages: (async function* () {
        if (message !== undefined) yield message;
      })(),
      status: Promise.resolve({ code: 0, message: '', details: undefined, trailers: [] }),
    };
  },
};
const log = pino({ level: 'silent' });

function exchange(): Exchange {
  const req = Object.assign(new PassThrough(), {
    method: 'POST',
    url: '/v1/echo',
    httpVersion: '1.1',
    headers: { 'content-type': 'application/json', host: 'bench' },
    rawHeaders: ['Content-Type', 'application/json', 'Host', 'bench'],
    socket: { remoteAddress: '127.0.0.1' },
  });
  req.end(body);
  const res = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), {
    statusCode: 200,
    headersSent: false,
    shouldKeepAlive: true,
    writeHead(this: { headersSent: boolean }) {
      this.headersSent = true;
      return this;
    },
    setHeader() {
      return this;
    },
    flushHeaders() {},
  });
  return new Exchange(req as unknown as ExchangeRequest, res as unknown as ExchangeResponse, 'bench', log);
}

for (let i = 0; i < 3_000; i++) await transcoder.handle(exchange(), echo); // warm-up: JIT
let start = process.cpuUsage();
for (let i = 0; i < CALLS; i++) void exchange().signal;
const alone = process.cpuUsage(start);
start = process.cpuUsage();
for (let i = 0; i < CALLS; i++) await transcoder.handle(exchange(), echo);
const total = process.cpuUsage(start);
const us = (u: NodeJS.CpuUsage) => (u.user + u.system) / CALLS;
process.stdout.write(`transcode micro  ${CALLS} calls, POST /v1/echo, 32-byte message\n`);
process.stdout.write(`cpu us/call: ${us(total).toFixed(1)} with the exchange, ${us(alone).toFixed(1)} for the exchange alone, ${(us(total) - us(alone)).toFixed(1)} transcoding\n`);
