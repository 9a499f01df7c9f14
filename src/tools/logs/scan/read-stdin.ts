/**
 * Reads a log from standard input on the main thread (a pipe cannot be split between threads):
 * the first 64 KiB settle the format, then everything goes through the same line splitter.
 * A gzip stream on stdin (`cat access.log.gz | switchyard logs -`) is inflated on the way.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Stats } from '../aggregate/stats.js';
import type { FormatSpec } from '../format/layout.js';
import { LineSplitter } from './line-splitter.js';
import { isGzip, isUnrecognised, settleFormat, type Unrecognised } from './open-inputs.js';
import { scanChunks } from './scan-job.js';

export interface StdinScan {
  readonly spec: FormatSpec;
  readonly lines: number;
}

export async function scanStdin(
  stdin: NodeJS.ReadableStream,
  source: number,
  explicit: FormatSpec | undefined,
  stats: Stats,
): Promise<StdinScan | Unrecognised> {
  let stream: AsyncIterable<Buffer> = stdin as AsyncIterable<Buffer>;
  const iterator = stream[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 64 * 1024) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value as string) : next.value;
    head.push(chunk);
    size += chunk.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    if (!done) for (let n = await iterator.next(); n.done !== true; n = await iterator.next()) yield n.value;
  }
  stream = rest();
  let first: Buffer = Buffer.concat(head);
  if (isGzip(first)) {
    const inflated = Readable.from(stream).pipe(createGunzip());
    stream = inflated as AsyncIterable<Buffer>;
    const inflatedIterator = stream[Symbol.asyncIterator]();
    const peek = await inflatedIterator.next();
    first = peek.done === true ? Buffer.alloc(0) : peek.value;
    const firstChunk = first;
    stream = (async function* () {
      if (firstChunk.length > 0) yield firstChunk;
      for (let n = await inflatedIterator.next(); n.done !== true; n = await inflatedIterator.next()) yield n.value;
    })();
  }
  const spec = settleFormat('stdin', explicit, first);
  if (isUnrecognised(spec)) return spec; // nothing is counted; the rest of the pipe is not read
  const splitter = new LineSplitter(spec, stats, source, 0);
  await scanChunks(stream, splitter, () => {}); // no progress bar: a pipe has no known size
  return { spec, lines: splitter.lines };
}
