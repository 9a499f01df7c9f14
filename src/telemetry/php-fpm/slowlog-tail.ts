/**
 * Follows php-fpm's slowlog (`slowlog = ...` with `request_slowlog_timeout`): each entry is a
 * header line `[23-Nov-2026 21:10:48]  [pool www] pid 4242`, the script, then a PHP backtrace
 * (php-fpm's fpm_php_trace.c).
 * Polled on the telemetry tick rather than watched, since logrotate replaces or truncates the
 * file: a new inode, a shorter file, or a different first line (a `copytruncate` refilled past
 * where we were) means it rotated, and reading starts again from its top.
 * Starts at the end of an existing file (entries from before the gateway started are not ours).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface SlowlogEntry {
  /** Epoch ms when php-fpm wrote the entry (the request had run `request_slowlog_timeout` by then). */
  readonly at: number;
  readonly pid: number;
  readonly pool: string;
  readonly script: string;
  /** The innermost frame of the backtrace: where PHP was when it was caught. */
  readonly frame: string;
}

const HEADER = /^\[(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})\]\s+\[pool ([^\]]+)\] pid (\d+)/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Bytes read per poll at most; a burst beyond it is read on the next ticks. */
const READ_CHUNK = 256 * 1024;

export class SlowlogTail {
  readonly path: string;
  #inode: number | undefined;
  #offset = 0;
  #partial = '';
  #started = false;
  /** The file's first bytes when we last read it, to notice it was truncated and refilled. */
  #head = '';

  constructor(path: string) {
    this.path = path;
  }

  /** New complete entries since the last poll; `rotated` tells the caller to log it. */
  async poll(): Promise<{ entries: SlowlogEntry[]; rotated: boolean }> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      // Not there yet (php-fpm creates it on the first slow request) or moved away mid-rotation.
      this.#started = true;
      return { entries: [], rotated: false };
    }
    let rotated = false;
    if (!this.#started) {
      this.#started = true;
      this.#inode = info.ino;
      this.#offset = info.size;
      const handle = await open(this.path, 'r');
      this.#head = await readHead(handle, info.size).finally(() => handle.close());
      return { entries: [], rotated };
    }
    const handle = await open(this.path, 'r');
    try {
      const head = await readHead(handle, info.size);
      if (this.#inode !== undefined && (info.ino !== this.#inode || info.size < this.#offset || (this.#head !== '' && !head.startsWith(this.#head.slice(0, head.length))))) {
        rotated = true;
        this.#offset = 0;
        this.#partial = '';
      }
      this.#inode = info.ino;
      this.#head = head;
      if (info.size <= this.#offset) return { entries: [], rotated };
      const length = Math.min(READ_CHUNK, info.size - this.#offset);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, this.#offset);
      this.#offset += bytesRead;
      this.#partial += buf.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
    return { entries: this.#takeEntries(), rotated };
  }

  /**
   * php-fpm starts each entry with a blank line and writes it whole when it traces a worker, so
   * an entry is complete once the next begins, or once it ends in a newline after at least one
   * backtrace frame; anything else waits for the next poll.
   */
  #takeEntries(): SlowlogEntry[] {
    const starts = [...this.#partial.matchAll(/^\[\d{2}-[A-Za-z]{3}-\d{4} /gm)].map((m) => m.index);
    if (starts.length === 0) return [];
    const blocks = starts.map((start, i) => this.#partial.slice(start, starts[i + 1] ?? this.#partial.length));
    const last = blocks[blocks.length - 1] as string;
    const lastDone = last.endsWith('\n') && /^\[0x[0-9a-f]+\]/m.test(last);
    if (!lastDone) blocks.pop();
    this.#partial = lastDone ? '' : this.#partial.slice(starts[starts.length - 1]);
    return blocks.map(parseSlowlogEntry).filter((e): e is SlowlogEntry => e !== undefined);
  }
}

const HEAD_BYTES = 64;

async function readHead(handle: FileHandle, size: number): Promise<string> {
  const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
  const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
  return buf.toString('latin1', 0, bytesRead);
}

function parseSlowlogEntry(block: string): SlowlogEntry | undefined {
  const lines = block.trim().split('\n');
  const m = HEADER.exec(lines[0] ?? '');
  if (m === null) return undefined;
  const [, day, mon, year, hh, mm, ss, pool, pid] = m as unknown as string[];
  const month = MONTHS.indexOf((mon as string).toLowerCase());
  if (month === -1) return undefined;
  // php-fpm writes local time.
  const at = new Date(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)).getTime();
  const script = /script_filename = (.*)/.exec(block)?.[1]?.trim() ?? '';
  const frame = lines.find((l) => /^\[0x[0-9a-f]+\]/.test(l))?.replace(/^\[0x[0-9a-f]+\]\s*/, '') ?? '';
  return { at, pid: Number(pid), pool: pool as string, script, frame };
}
