/**
 * A scripted FastCGI application for the tests that real php-fpm cannot drive: malformed record
 * streams (truncated, lying lengths, bad version, records after END_REQUEST) and a kept
 * connection closed between requests. It decodes what the gateway sends with the same record
 * and params code under test, and answers with raw bytes the test chooses.
 */
import { after, before } from 'node:test';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { RecordParser, RecordType, encodeEndRequest, encodeStream } from '../../../src/upstream/fastcgi/record.js';
import { decodeParams } from '../../../src/upstream/fastcgi/params.js';
import { createFastcgiUpstream, type FastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { fastcgiConfig } from './php-app.js';

export interface FakeRequest {
  readonly params: ReadonlyMap<string, string>;
  readonly stdin: Buffer;
  /** 0 for the first request on this connection, 1 for the next... */
  readonly indexOnConnection: number;
  readonly socket: Socket;
}

export type FakeBehaviour = (request: FakeRequest) => void;

export interface FakeFastcgi {
  readonly socketPath: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Requests answered (handed to the behaviour) so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Stdout records for `text` then a clean END_REQUEST: a well-formed response. */
export function okResponse(text: string, id = 1): Buffer {
  return Buffer.concat([...encodeStream(RecordType.STDOUT, id, Buffer.from(text)), ...encodeStream(RecordType.STDOUT, id, Buffer.alloc(0)), encodeEndRequest(id, 0, 0)]);
}

export interface FakeOptions {
  /** Answer as soon as the params are in (an application that never reads stdin), not after stdin. */
  readonly answerBeforeStdin?: boolean;
}

export async function startFakeFastcgi(behaviour: FakeBehaviour, options: FakeOptions = {}): Promise<FakeFastcgi> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-fake-fcgi-'));
  const socketPath = join(dir, 'fcgi.sock');
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = new RecordParser();
    let params: Buffer[] = [];
    let stdin: Buffer[] = [];
    let index = 0;
    const answer = (): void => {
      requests++;
      behaviour({ params: new Map(decodeParams(Buffer.concat(params))), stdin: Buffer.concat(stdin), indexOnConnection: index++, socket });
    };
    socket.on('data', (chunk: Buffer) => {
      for (const record of parser.push(chunk)) {
        if (record.type === RecordType.BEGIN_REQUEST) {
          params = [];
          stdin = [];
        } else if (record.type === RecordType.PARAMS) {
          params.push(record.content);
          if (record.content.length === 0 && options.answerBeforeStdin === true) answer();
        } else if (record.type === RecordType.STDIN) {
          if (record.content.length > 0) {
            stdin.push(record.content);
            continue;
          }
          if (options.answerBeforeStdin !== true) answer();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    connections: () => connections,
    requests: () => requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fake php-fpm scripted by `behaviour`, an upstream on it and an exchange server in front,
 * started before the tests of the enclosing describe and closed after them.
 */
export function useFakeUpstream(
  behaviour: FakeBehaviour,
  options: { fake?: FakeOptions; upstream?: Parameters<typeof fastcgiConfig>[0] } = {},
): { readonly fake: FakeFastcgi; readonly port: number; readonly upstream: FastcgiUpstream } {
  let fake: FakeFastcgi;
  let gw: ExchangeServer;
  let upstream: FastcgiUpstream;
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchyard-fake-root-'));
    await writeFile(join(root, 'index.php'), '<?php // never run: the fake answers');
    fake = await startFakeFastcgi(behaviour, options.fake);
    upstream = createFastcgiUpstream(fastcgiConfig({ root, ...options.upstream, address: { kind: 'unix', path: fake.socketPath } }), pino({ level: 'silent' }));
    gw = await startExchangeServer({ handler: upstream });
  });
  after(async () => {
    await gw?.close();
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });
  return {
    get fake() {
      return fake;
    },
    get port() {
      return gw.port;
    },
    get upstream() {
      return upstream;
    },
  };
}
