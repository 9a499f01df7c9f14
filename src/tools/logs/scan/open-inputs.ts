/**
 * Checks the named inputs exist and are readable, and settles each one's format: the one given
 * with `--format`, or the one its first 64 KiB read best as (`auto`), or none (`Unrecognised`).
 * gzip is recognised by its magic bytes (RFC 1952 §2.3.1), not only by the `.gz` name.
 */
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { SwitchyardError } from '../../../errors.js';
import type { FormatSpec } from '../format/layout.js';
import { detectFormat } from '../format/resolve-format.js';
import { PRESETS } from '../format/presets.js';
import type { Input } from './plan.js';

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 50;

function sampleLines(head: Buffer): string[] {
  const text = head.toString('latin1');
  const lines = text.split('\n');
  if (head.length >= SAMPLE_BYTES) lines.pop(); // the last one is probably cut
  return lines.map((l) => l.replace(/\r$/, '')).slice(0, SAMPLE_LINES);
}

/**
 * An input that `--format auto` reads none of the first lines of: an error log among access logs,
 * say. It is left out of the report while some other input is read (as GoAccess reports on the
 * files it can parse); when none is, the command fails with `unrecognisedError`.
 */
export interface Unrecognised {
  readonly unrecognised: true;
  readonly name: string;
  /** The first non-blank line, cut to 80 characters. */
  readonly firstLine: string;
}

export function isUnrecognised<T extends object>(x: T | Unrecognised): x is Unrecognised {
  return 'unrecognised' in x;
}

/** Why an unrecognised input was skipped, in the words of the stderr line and the report. */
export function skipReason(u: Unrecognised): string {
  return `not an access log in a known format (first line: ${JSON.stringify(u.firstLine)})`;
}

/** The one line the command fails with when no input was recognised. */
export function unrecognisedError(inputs: readonly Unrecognised[]): SwitchyardError {
  const hint = 'pass --format with its nginx log_format or Apache LogFormat string';
  const [only] = inputs;
  if (inputs.length === 1 && only !== undefined) {
    return new SwitchyardError('SY_ERR_LOG_FORMAT', `cannot recognise the log format of ${only.name} (first line: ${JSON.stringify(only.firstLine)}); ${hint}`);
  }
  const shown = inputs.slice(0, 5).map((u) => u.name);
  if (inputs.length > shown.length) shown.push(`and ${inputs.length - shown.length} more`);
  return new SwitchyardError('SY_ERR_LOG_FORMAT', `cannot recognise the log format of any of the ${inputs.length} inputs (${shown.join(', ')}); ${hint}`);
}

/** The format for an input: the explicit one, else the detected one, else why there is none. */
export function settleFormat(name: string, explicit: FormatSpec | undefined, head: Buffer): FormatSpec | Unrecognised {
  if (explicit !== undefined) return explicit;
  const lines = sampleLines(head);
  if (lines.every((l) => l.trim() === '')) return (PRESETS['combined'] as () => FormatSpec)();
  const detected = detectFormat(lines);
  if (detected !== undefined) return detected;
  return { unrecognised: true, name, firstLine: (lines.find((l) => l.trim() !== '') ?? '').slice(0, 80) };
}

/** Whether bytes start with gzip's magic ID1 ID2 (RFC 1952 §2.3.1): files and stdin are told apart by it. */
export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** The first 64 KiB of a file, inflated when it is gzip. */
async function readHead(path: string): Promise<{ gzip: boolean; head: Buffer }> {
  const fh = await open(path, 'r');
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    raw = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (!isGzip(raw)) return { gzip: false, head: raw };
  const parts: Buffer[] = [];
  let size = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= SAMPLE_BYTES) break;
    }
  } catch (err) {
    throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `cannot decompress ${path}: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
  return { gzip: true, head: Buffer.concat(parts).subarray(0, SAMPLE_BYTES) };
}

export async function openFileInput(name: string, cwd: string, explicit: FormatSpec | undefined): Promise<Input | Unrecognised> {
  const path = resolve(cwd, name);
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `${name} is a directory, not a log file`);
    size = st.size;
  } catch (err) {
    if (err instanceof SwitchyardError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SwitchyardError('SY_ERR_FILE_NOT_FOUND', `no such log file: ${name}`);
    throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `cannot read ${name}: ${code ?? String(err)}`);
  }
  try {
    const { gzip, head } = await readHead(path);
    const spec = settleFormat(name, explicit, head);
    return isUnrecognised(spec) ? spec : { name, path, gzip, size, spec };
  } catch (err) {
    if (err instanceof SwitchyardError) throw err;
    throw new SwitchyardError('SY_ERR_FILE_UNREADABLE', `cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
