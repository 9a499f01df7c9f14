/**
 * Micro-benchmark of the FastCGI hot path: encoding one typical request (params + records) and
 * parsing one typical response stream (stdout records, a CGI head, END_REQUEST), each delivered
 * whole and in 1 KiB reads. Bounded by time. Run: `npx tsc -p tsconfig.json && node
 * dist/bench/micro/fastcgi.js`.
 */
import { buildParams, encodeParams, type ParamsInput } from '../../src/upstream/fastcgi/params.js';
import { RecordParser, RecordType, encodeBeginRequest, encodeEndRequest, encodeStream } from '../../src/upstream/fastcgi/record.js';
import { CgiHeadParser } from '../../src/upstream/fastcgi/cgi-response.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

const input: ParamsInput = {
  method: 'GET',
  requestUri: '/users/42?tab=orders&page=2',
  query: 'tab=orders&page=2',
  documentUri: '/index.php',
  scriptName: '/index.php',
  scriptFilename: '/var/www/app/public/index.php',
  pathInfo: '',
  documentRoot: '/var/www/app/public',
  httpVersion: '1.1',
  https: false,
  remoteAddress: '127.0.0.1',
  remotePort: 51234,
  serverAddress: '127.0.0.1',
  serverPort: 8080,
  headers: {
    host: 'app.example:8080',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-language': 'en-GB,en;q=0.9',
    'accept-encoding': 'gzip, deflate, br',
    cookie: 'session=0123456789abcdef; user=ada; prefs=dark',
    'x-request-id': '5f0c6f5e-8f1c-4a39-9f39-8d1c0c0f1a2b',
  },
  contentLength: undefined,
  requestId: '5f0c6f5e-8f1c-4a39-9f39-8d1c0c0f1a2b',
  serverSoftware: 'switchyard/0.1.0',
  extra: {},
};

const page = Buffer.from('<!doctype html>' + '<p>row</p>'.repeat(800));
const response = Buffer.concat([
  ...encodeStream(RecordType.STDOUT, 1, Buffer.concat([Buffer.from('Content-Type: text/html; charset=UTF-8\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n'), page])),
  ...encodeStream(RecordType.STDOUT, 1, Buffer.alloc(0)),
  encodeEndRequest(1, 0, 0),
]);
const reads: Buffer[] = [];
for (let i = 0; i < response.length; i += 1024) reads.push(response.subarray(i, i + 1024));

function measure(name: string, fn: () => number): void {
  let ops = 0;
  let sink = 0;
  const end = process.hrtime.bigint() + BigInt(SECONDS * 1e9);
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 100; i++) sink += fn();
    ops += 100;
  }
  const ns = Number(process.hrtime.bigint() - start) / ops;
  console.log(`${name.padEnd(44)} ${(1e9 / ns).toFixed(0).padStart(10)} ops/s ${ns.toFixed(0).padStart(8)} ns/op${sink < 0 ? '!' : ''}`);
}

function parseAll(chunks: readonly Buffer[]): number {
  const parser = new RecordParser();
  const head = new CgiHeadParser('bench');
  let body = 0;
  let headDone = false;
  for (const chunk of chunks) {
    for (const record of parser.push(chunk)) {
      if (record.type !== RecordType.STDOUT || record.content.length === 0) continue;
      if (headDone) body += record.content.length;
      else {
        const parsed = head.push(record.content);
        if (parsed !== undefined) {
          headDone = true;
          body += parsed.body.length;
        }
      }
    }
  }
  return body;
}

console.log(`request: ${encodeParams(buildParams(input)).length} bytes of params; response: ${response.length} bytes in ${reads.length} reads`);
measure('encode request (params + records)', () => {
  const params = encodeParams(buildParams(input));
  return Buffer.concat([encodeBeginRequest(1, true), ...encodeStream(RecordType.PARAMS, 1, params), ...encodeStream(RecordType.PARAMS, 1, Buffer.alloc(0))]).length;
});
measure('parse response, one read', () => parseAll([response]));
measure('parse response, 1 KiB reads', () => parseAll(reads));
