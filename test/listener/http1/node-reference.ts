/**
 * The reference the differential test compares the codec with: llhttp as node:http runs it. One
 * byte stream is handed to a real node:http Server through an in-process Duplex
 * (`server.emit('connection', duplex)`), which runs the same parser, with the same options and the
 * same JS around it (rawHeaders, the `headers` joining rules, keep-alive, Expect), as a TCP
 * connection would, at a fraction of the cost of a loopback socket per case.
 *
 * The server keeps node's defaults (16 KiB header limit, strict llhttp, `joinDuplicateHeaders`
 * off) except `requireHostHeader`: that 400 is a policy of node's JS server, not of the parser,
 * and the listener turns it off too (the codec leaves the decision to the listener).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

export interface ReferenceRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly rawHeaders: readonly string[];
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly keepAlive: boolean;
  readonly expectContinue: boolean;
  /** The body and trailers, once the request ended; undefined if the stream stopped inside it. */
  body: Buffer | undefined;
  rawTrailers: readonly string[] | undefined;
}

export type ReferenceEnd =
  | { readonly kind: 'clean' }
  | { readonly kind: 'error'; readonly code: string; readonly reason: string }
  | { readonly kind: 'upgrade'; readonly rest: Buffer };

export interface ReferenceOutcome {
  readonly requests: ReferenceRequest[];
  readonly end: ReferenceEnd;
}

interface Run {
  readonly requests: ReferenceRequest[];
  /** Per request: how to finish its record if node parsed it whole but never emitted 'end'. */
  readonly settle: (() => void)[];
  end: ReferenceEnd | undefined;
}

const RUN = Symbol('run');
type TaggedSocket = Duplex & { [RUN]?: Run };

/** One node:http server reused for every stream; each stream gets its own in-process connection. */
export class NodeReference {
  readonly #server: Server;

  constructor() {
    this.#server = createServer({ requireHostHeader: false });
    const onRequest = (expectContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
      const run = (req.socket as TaggedSocket)[RUN];
      if (run === undefined) throw new Error('request on an unknown connection');
      const rec: ReferenceRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        headers: { ...req.headers },
        keepAlive: res.shouldKeepAlive,
        expectContinue,
        body: undefined,
        rawTrailers: undefined,
      };
      run.requests.push(rec);
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        rec.body = Buffer.concat(parts);
        rec.rawTrailers = req.rawTrailers;
        res.end();
      });
      // llhttp completed the message (req.complete) but node's JS tore the connection down before
      // 'end' (it does after an HTTP/0.9 request line): the request still counts as parsed.
      run.settle.push(() => {
        if (rec.body === undefined && req.complete) {
          rec.body = Buffer.concat(parts);
          rec.rawTrailers = req.rawTrailers;
        }
      });
      req.on('error', () => undefined);
    };
    this.#server.on('request', onRequest(false));
    // Without these node answers 100/417 itself and, for 417, never emits 'request'.
    this.#server.on('checkContinue', onRequest(true));
    this.#server.on('checkExpectation', onRequest(false));
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const run = (socket as TaggedSocket)[RUN];
      if (run === undefined) throw new Error('upgrade on an unknown connection');
      run.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        headers: { ...req.headers },
        keepAlive: false,
        expectContinue: false,
        body: Buffer.alloc(0),
        rawTrailers: [],
      });
      run.end ??= { kind: 'upgrade', rest: Buffer.from(head) };
      socket.destroy();
    };
    this.#server.on('upgrade', onUpgrade);
    this.#server.on('connect', onUpgrade);
    this.#server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
      const run = (socket as TaggedSocket)[RUN];
      if (run !== undefined) run.end ??= { kind: 'error', code: err.code ?? 'unknown', reason: err.reason ?? err.message };
      // Requests completed before the error still have their body and 'end' queued (next ticks):
      // destroying the socket now would discard them.
      setImmediate(() => socket.destroy());
    });
  }

  /** Sends `stream` (in one write, then end of input) and reports what the server made of it. */
  run(stream: Buffer): Promise<ReferenceOutcome> {
    const run: Run = { requests: [], settle: [], end: undefined };
    return new Promise((resolve, reject) => {
      const socket: TaggedSocket = new Duplex({
        read() {},
        write(_chunk, _encoding, callback) {
          callback();
        },
      });
      socket[RUN] = run;
      socket.on('error', () => undefined);
      socket.on('close', () => {
        for (const settle of run.settle) settle();
        resolve({ requests: run.requests, end: run.end ?? { kind: 'clean' } });
      });
      try {
        this.#server.emit('connection', socket);
        socket.push(stream);
        socket.push(null);
      } catch (err) {
        reject(err as Error);
      }
    });
  }

  close(): void {
    this.#server.close();
  }
}
