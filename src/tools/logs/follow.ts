/**
 * `--follow`: reads the files to their end, then keeps reading what is appended and prints a
 * fresh report every `--interval` while anything changed, until SIGINT or SIGTERM. Files are
 * watched by polling their path (`fs.watchFile`), as `tail -F` does, because that also sees a
 * log rotated by rename or truncated by copytruncate, and works on network and container
 * filesystems where inotify events do not arrive. Runs on the main thread: appended data is small.
 */
import { watchFile, unwatchFile } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { CliIO } from '../../cli/io.js';
import { Stats } from './aggregate/stats.js';
import { resolveFormat } from './format/resolve-format.js';
import { describeFormat, reportOptions, settleSkipped, skipLine, skippedRows, type SkippedInput } from './analyse.js';
import { scanSettings, type LogsOptions } from './options.js';
import { buildReport } from './report/build-report.js';
import { renderJson } from './report/render-json.js';
import { renderTable } from './report/render-table.js';
import { LineSplitter } from './scan/line-splitter.js';
import { isUnrecognised, openFileInput, unrecognisedError } from './scan/open-inputs.js';
import { scanStdin } from './scan/read-stdin.js';

const POLL_MS = 250;

class Tail {
  readonly #path: string;
  readonly #splitter: LineSplitter;
  #offset = 0;
  #ino = -1;
  #reading: Promise<void> = Promise.resolve();
  /** Read into by every drain (the splitter copies what it keeps); made on the first read. */
  #buf: Buffer | undefined;

  constructor(path: string, splitter: LineSplitter) {
    this.#path = path;
    this.#splitter = splitter;
  }

  get path(): string {
    return this.#path;
  }

  get lines(): number {
    return this.#splitter.lines;
  }

  /** Reads whatever is new; calls are queued so two never read the same bytes. */
  drain(): Promise<void> {
    this.#reading = this.#reading.then(() => this.#read()).catch(() => {
      // The file is gone between rotations; the next poll finds the new one.
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    const st = await stat(this.#path);
    if (st.ino !== this.#ino || st.size < this.#offset) {
      // Rotated (new inode) or truncated: the old file's unfinished last line will not grow any
      // more, so it counts as it is; then the new file is read from its beginning.
      if (this.#ino !== -1) this.#splitter.end();
      this.#ino = st.ino;
      this.#offset = 0;
    }
    if (st.size === this.#offset) return;
    const fh = await open(this.#path, 'r');
    try {
      const buf = (this.#buf ??= Buffer.allocUnsafe(1024 * 1024));
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, this.#offset);
        if (bytesRead === 0) return;
        this.#offset += bytesRead;
        this.#splitter.feed(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
  }
}

export async function follow(names: readonly string[], options: LogsOptions, io: CliIO): Promise<void> {
  const explicit = resolveFormat(options.format);
  const stats = new Stats(scanSettings(options));
  const tails: Tail[] = [];
  const formats: string[] = [];
  const inputNames = names.map((n) => (n === '-' ? 'stdin' : n));
  let stdinDone: Promise<unknown> | undefined;
  const lines = new Map<string, number>();
  const skipped: SkippedInput[] = [];
  let stdinSource = -1;
  for (const [source, name] of names.entries()) {
    if (name === '-') {
      formats.push('auto');
      stdinSource = source;
      continue;
    }
    const input = await openFileInput(name, io.cwd, explicit);
    if (isUnrecognised(input)) {
      skipped.push({ ...input, source });
      formats.push('-');
      continue;
    }
    formats.push(describeFormat(input.spec));
    tails[source] = new Tail(input.path as string, new LineSplitter(input.spec, stats, source, 0));
  }
  settleSkipped(skipped, names.length, io); // with stdin among the inputs, not all are known yet
  // stdin is read once the files are settled, so that its skip line follows theirs.
  if (stdinSource !== -1) {
    const source = stdinSource;
    stdinDone = scanStdin(io.stdin, source, explicit, stats).then((scan) => {
      if (isUnrecognised(scan)) {
        skipped.push({ ...scan, source });
        if (skipped.length === names.length) throw unrecognisedError(skipped);
        io.stderr.write(skipLine({ ...scan, source }));
        return;
      }
      formats[source] = describeFormat(scan.spec);
      lines.set(`${source}:0`, scan.lines);
    });
  }

  let printed = -1;
  const print = (): void => {
    const seen = stats.requests + stats.malformed;
    if (seen === printed) return;
    printed = seen;
    tails.forEach((t, source) => {
      if (t !== undefined) lines.set(`${source}:0`, t.lines);
    });
    const report = buildReport(stats, { names: inputNames, formats, lines, skipped: skippedRows(skipped) }, reportOptions(options));
    if (options.output === 'json') {
      io.stdout.write(renderJson(report, 0));
    } else {
      // On a terminal, redraw in place like top(1); on a pipe, append reports one after another.
      io.stdout.write(io.stdout.isTTY === true ? `\x1b[2J\x1b[H${renderTable(report)}` : `${renderTable(report)}\n`);
    }
  };

  // Ctrl-C is caught before the first report is printed: a reader that signals as soon as it
  // has read that report would otherwise kill the process before the handlers were installed.
  let end!: (err?: unknown) => void;
  const ended = new Promise<void>((resolve, reject) => {
    end = (err) => (err === undefined ? resolve() : reject(err));
  });
  ended.catch(() => {}); // handled where it is awaited; this keeps an early failure from counting as unhandled
  const stop = (): void => end();
  if (stdinDone !== undefined) {
    const onlyStdin = tails.every((t) => t === undefined);
    stdinDone.then(
      () => {
        if (!onlyStdin) return;
        // Following only stdin: the report is final when the pipe closes.
        print();
        end();
      },
      // stdin is no access log and nothing else is read, or it cannot be inflated.
      (err: unknown) => end(err),
    );
  }
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The reader went away (`... | head`): nobody is left to read further reports.
  io.stdout.once('error', stop);
  const watched: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all(tails.map((t) => t.drain()));
    print();
    for (const t of tails) {
      if (t === undefined) continue;
      watched.push(t.path);
      watchFile(t.path, { interval: POLL_MS }, () => void t.drain());
    }
    // Each refresh also reads what is new. fs.watchFile takes its first stat after it is
    // called, asynchronously: lines appended before that stat are in its baseline and raise no
    // change event, so without this they would wait for the next write, or forever.
    timer = setInterval(() => void Promise.all(tails.map((t) => t?.drain())).then(print), options.interval * 1000);
    await ended;
  } finally {
    clearInterval(timer);
    for (const path of watched) unwatchFile(path);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    io.stdout.off('error', stop);
  }
}
