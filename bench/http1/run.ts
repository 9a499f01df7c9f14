/**
 * HTTP/1.1 codec benchmark, against node:http measured in the same run (figures and how to read
 * them in README.md). Two parts:
 *
 * 1. In process, no sockets: parse a browser-like request and serialize a fixed response head,
 *    per request; beside it node:http serving the same pipelined requests through an in-memory
 *    connection (llhttp plus the IncomingMessage/ServerResponse machinery the codec replaces).
 * 2. Over loopback: wrk against a child process running either server, counting the server's
 *    CPU time per request (process.cpuUsage in the child), the figure the data path cares about.
 *
 * Run: `npm run build && node dist/bench/http1/run.js` (BENCH_SECONDS per wrk run, default 5;
 * BENCH_ROUNDS, default 3; each cell keeps its best round).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Duplex } from 'node:stream';
import { RequestParser, type RequestHandler } from '../../src/listener/http1/request-parser.js';
import type { RequestHead } from '../../src/listener/http1/request-head.js';
import { serializeResponseHead } from '../../src/listener/http1/write-response-head.js';
import { wrk } from '../lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const REQUEST =
  'GET /users/42?tab=orders&page=2 HTTP/1.1\r\n' +
  'Host: app.example:8080\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36\r\n' +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n' +
  'Accept-Language: en-GB,en;q=0.9\r\n' +
  'Accept-Encoding: gzip, deflate, br\r\n' +
  'Cookie: session=0123456789abcdef; user=ada; prefs=dark\r\n' +
  'X-Request-Id: 5f0c6f5e-8f1c-4a39-9f39-8d1c0c0f1a2b\r\n' +
  '\r\n';
const PIPELINE = 64;
const HEADERS = { 'content-type': 'text/plain' };

class Answering implements RequestHandler {
  head: RequestHead | undefined;
  bytes = 0;
  requests = 0;
  onRequestHead(head: RequestHead): void {
    this.head = head;
  }
  onRequestBody(): void {}
  onRequestEnd(): void {
    const head = this.head as RequestHead;
    // What a listener reads of most requests, and the response head it writes.
    this.bytes += head.headers.host?.length ?? 0;
    this.bytes += serializeResponseHead({ status: 200, headers: HEADERS, request: head, bodyLength: 11 }).head.length;
    this.requests++;
  }
}

/** ns per request for `fn`, which handles `per` requests per call; best of 5 slices. */
function time(per: number, fn: () => void): number {
  const sliceMs = Math.max(200, SECONDS * 60);
  let best = Infinity;
  for (let slice = 0; slice < 6; slice++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(sliceMs) * 1_000_000n;
    let now = start;
    while (now < until) {
      for (let i = 0; i < 100; i++) fn();
      calls += 100;
      now = process.hrtime.bigint();
    }
    // The first slice warms the JIT up and is not kept.
    if (slice > 0) best = Math.min(best, Number(now - start) / (calls * per));
  }
  return best;
}

function codecInProcess(): { single: number; pipelined: number } {
  const one = Buffer.from(REQUEST, 'latin1');
  const many = Buffer.from(REQUEST.repeat(PIPELINE), 'latin1');
  const handler = new Answering();
  const parser = new RequestParser(handler);
  const single = time(1, () => parser.execute(one));
  const pipelined = time(PIPELINE, () => parser.execute(many));
  if (handler.bytes === 0) throw new Error('nothing parsed');
  return { single, pipelined };
}

/** node:http serving PIPELINE requests on an in-memory connection; ns per request. */
async function nodeInProcess(): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(200, HEADERS);
    res.end('hello world');
  });
  const many = Buffer.from(REQUEST.repeat(PIPELINE), 'latin1');
  const connection = () =>
    new Promise<void>((resolve) => {
      let responses = 0;
      const socket = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          // Each response ends with its 11-byte body.
          if (chunk.toString('latin1').endsWith('hello world') && ++responses === PIPELINE) resolve();
          callback();
        },
      });
      server.emit('connection', socket);
      socket.push(many);
    });
  let best = Infinity;
  const sliceMs = Math.max(200, SECONDS * 60);
  for (let slice = 0; slice < 6; slice++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(sliceMs) * 1_000_000n;
    let now = start;
    while (now < until) {
      await connection();
      n += PIPELINE;
      now = process.hrtime.bigint();
    }
    if (slice > 0) best = Math.min(best, Number(now - start) / n);
  }
  return best;
}

interface LoopbackResult {
  readonly rps: number;
  readonly cpuUsPerRequest: number;
}

function message<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: Record<string, unknown>) => {
      if (key in msg) {
        child.off('message', on);
        resolve(msg[key] as T);
      }
    };
    child.on('message', on);
  });
}

async function loopback(kind: 'node' | 'codec'): Promise<LoopbackResult> {
  // starts: node (this benchmark's own server, forked)
  const child = fork(fileURLToPath(new URL('./server.js', import.meta.url)), [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await message<number>(child, 'port');
    const url = `http://127.0.0.1:${port}/users/42?tab=orders`;
    await wrk(url, { connections: 16, threads: 1, durationSeconds: 1 });
    child.send('cpu');
    const before = await message<NodeJS.CpuUsage>(child, 'cpu');
    const result = await wrk(url, { connections: 16, threads: 1, durationSeconds: SECONDS });
    child.send('cpu');
    const after = await message<NodeJS.CpuUsage>(child, 'cpu');
    if (result.failures > 0) throw new Error(`${kind}: ${result.failures} failed requests`);
    const cpuUs = after.user - before.user + (after.system - before.system);
    return { rps: result.requestsPerSecond, cpuUsPerRequest: cpuUs / result.requests };
  } finally {
    child.kill();
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(9);

async function main(): Promise<void> {
  console.log(`HTTP/1.1 codec vs node:http, node ${process.version}, ${ROUNDS} rounds, ${SECONDS}s wrk runs\n`);
  const codec = codecInProcess();
  const node = await nodeInProcess();
  console.log('in process (no sockets), per request                 µs');
  console.log(`codec: parse + serialize head, one request/read  ${fmt(codec.single / 1000)}`);
  console.log(`codec: parse + serialize head, ${PIPELINE} pipelined     ${fmt(codec.pipelined / 1000)}`);
  console.log(`node:http in-memory connection, ${PIPELINE} pipelined    ${fmt(node / 1000)}   ratio codec/node ${(codec.pipelined / node).toFixed(2)}`);

  const best: Record<'node' | 'codec', LoopbackResult> = { node: { rps: 0, cpuUsPerRequest: Infinity }, codec: { rps: 0, cpuUsPerRequest: Infinity } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? (['node', 'codec'] as const) : (['codec', 'node'] as const)) {
      const r = await loopback(kind);
      if (r.cpuUsPerRequest < best[kind].cpuUsPerRequest) best[kind] = { ...best[kind], cpuUsPerRequest: r.cpuUsPerRequest };
      if (r.rps > best[kind].rps) best[kind] = { ...best[kind], rps: r.rps };
    }
  }
  console.log('\nloopback, wrk -t1 -c16, fixed 11-byte response    server CPU µs/req      req/s');
  for (const kind of ['node', 'codec'] as const) console.log(`${kind === 'node' ? 'node:http' : 'net.Server + codec'}`.padEnd(48) + `${fmt(best[kind].cpuUsPerRequest)}  ${fmt(best[kind].rps, 0)}`);
  console.log(`ratio codec/node`.padEnd(48) + `${fmt(best.codec.cpuUsPerRequest / best.node.cpuUsPerRequest)}  ${fmt(best.codec.rps / best.node.rps)}`);
}

await main();
