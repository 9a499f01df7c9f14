/**
 * `switchyard sense` at work: runs bpftrace on the program of bpftrace-program.ts, reads its
 * lines (bpftrace-line.ts), hands each event to the gateway's admin API (`POST /admin/sense`,
 * which names the request an exec'ing worker serves) and prints what the gateway stored, one
 * JSON line each. With `sense.exec.kill` a php-fpm worker that started a program is stopped
 * (SIGSTOP) the moment the line is read, so it does nothing more while its request is looked up,
 * then killed with the program it started.
 *
 * Why a process of its own that posts to the gateway, rather than the gateway starting bpftrace:
 * bpftrace needs root, and the gateway should not run as root to get it. The admin API is the
 * one way in that already has a token and reaches every worker setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Agent, request, type Dispatcher } from 'undici';
import { SwitchyardError } from '../errors.js';
import { bpftraceProgram } from './bpftrace-program.js';
import { parseBpftraceLine, type KernelRecord } from './bpftrace-line.js';
import type { SenseEvent } from './event.js';
import type { PostedEvent } from './sense-log.js';
import type { SensorTargets } from './targets.js';
import { holdsSocket, poolSocketInodes } from './pool-membership.js';

/** Processes whose name starts so are php-fpm's (the master and its workers: `php-fpm8.2`). */
export const PHP_FPM_COMM = 'php-fpm';
const POST_TIMEOUT_MS = 5_000;
/** bpftrace warns about this on kernels that account BPF memory to cgroups; it works anyway. */
const HARMLESS = /RLIMIT_MEMLOCK/;

export interface SensorOptions {
  readonly bpftrace: string;
  readonly targets: SensorTargets;
  /** One JSON line per event, as the gateway stored it. */
  readonly onEvent: (event: SenseEvent) => void;
  /** Progress and warnings, one line each. */
  readonly onNotice: (line: string) => void;
}

export class Sensor {
  readonly #options: SensorOptions;
  readonly #dispatcher: Dispatcher | undefined;
  #child: ChildProcess | undefined;
  #pending: PostedEvent[] = [];
  #posting = false;
  #stopping = false;
  #lastStderr: string[] = [];
  #warned = new Set<string>();
  /** Lines of bpftrace output that were not an event (counted, skipped). */
  malformed = 0;
  /** Programs started by php-fpm workers of pools that are not this gateway's (skipped). */
  otherPools = 0;

  constructor(options: SensorOptions) {
    this.#options = options;
    const socketPath = options.targets.admin.socketPath;
    this.#dispatcher = socketPath === undefined ? undefined : new Agent({ connect: { socketPath } });
  }

  /**
   * Starts bpftrace; resolves with the number of tracepoints once they are attached (its BEGIN
   * probe has run), rejects when
   * bpftrace ends first. `done` settles when bpftrace ends afterwards (rejects unless stopped).
   */
  start(): { attached: Promise<number>; done: Promise<void> } {
    const program = bpftraceProgram({ ports: this.#options.targets.ports, workerComm: PHP_FPM_COMM });
    // starts: bpftrace
    const child = spawn(this.#options.bpftrace, ['-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let attach: (n: number) => void = () => {};
    const attached = new Promise<number>((resolve) => (attach = resolve));
    let probes = 0;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      // Printed before attaching; the count includes BEGIN.
      const header = /^Attaching (\d+) probes?\.\.\.$/.exec(line);
      if (header !== null) probes = Number(header[1]) - 1;
      else if (line === 'SY1\tready') attach(probes);
      else this.#read(line);
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.trim() === '' || HARMLESS.test(line)) return;
      this.#lastStderr = [...this.#lastStderr, line].slice(-3);
      this.#options.onNotice(`bpftrace: ${line}`);
    });
    const done = new Promise<void>((resolve, reject) => {
      child.once('error', (err) => reject(new SwitchyardError('SY_ERR_SENSE_STOPPED', `bpftrace could not be started: ${err.message}`)));
      child.once('exit', (code, signal) => {
        this.#dispatcher?.close().catch(() => {});
        if (this.#stopping) return resolve();
        const why = this.#lastStderr.join(' / ') || `exit code ${code ?? signal}`;
        reject(new SwitchyardError('SY_ERR_SENSE_STOPPED', `bpftrace ended: ${why}`));
      });
    });
    return { attached: Promise.race([attached, done.then(() => 0)]), done };
  }

  /** Ends bpftrace (SIGINT, as its own Ctrl-C: it detaches its probes). */
  stop(): void {
    this.#stopping = true;
    this.#child?.kill('SIGINT');
  }

  #read(line: string): void {
    // bpftrace ends its output with blank lines.
    if (line === '') return;
    const record = parseBpftraceLine(line);
    if (record === undefined) {
      if (this.malformed++ === 0) this.#options.onNotice(`skipping a line bpftrace printed that is no event (counted from now on): ${JSON.stringify(line.slice(0, 120))}`);
      return;
    }
    const event = toEvent(record);
    if (event.kind !== 'exec') return this.#queue(event);
    if (!holdsSocket(event.pid, poolSocketInodes(this.#options.targets.pools))) {
      if (this.otherPools++ === 0) this.#options.onNotice(`php-fpm worker ${event.pid} of a pool that is not this gateway's started a program; such events are skipped (${event.command})`);
      return;
    }
    void this.#exec(event);
  }

  async #exec(event: PostedEvent): Promise<void> {
    const kill = this.#options.targets.kill;
    if (kill) {
      signal(event.pid, 'SIGSTOP');
      if (event.child !== null) signal(event.child, 'SIGSTOP');
    }
    try {
      const stored = await this.#post([event]);
      for (const e of stored) this.#options.onEvent(e);
    } finally {
      if (kill) {
        if (event.child !== null) signal(event.child, 'SIGKILL');
        signal(event.pid, 'SIGKILL');
        this.#options.onNotice(`killed php-fpm worker ${event.pid} and the program it started (${event.child}): ${event.command}`);
      }
    }
  }

  /** TCP events go out in batches: the ones read while a post is under way form the next one. */
  #queue(event: PostedEvent): void {
    this.#pending.push(event);
    if (this.#posting) return;
    this.#posting = true;
    const next = async (): Promise<void> => {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        for (const e of await this.#post(batch)) this.#options.onEvent(e);
      }
      this.#posting = false;
    };
    void next();
  }

  /** Posts events; on failure prints them as read (without a request id) and warns once per cause. */
  async #post(events: PostedEvent[]): Promise<SenseEvent[]> {
    const { admin, token } = this.#options.targets;
    try {
      const res = await request(`${admin.url}/admin/sense`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        ...(this.#dispatcher === undefined ? {} : { dispatcher: this.#dispatcher }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`the gateway answered ${res.statusCode}: ${text.slice(0, 200)}`);
      return (JSON.parse(text) as { events: SenseEvent[] }).events;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (!this.#warned.has(why)) this.#options.onNotice(`could not hand events to the gateway at ${admin.socketPath ?? admin.url}: ${why}`);
      this.#warned.add(why);
      return events.map((e) => ({ ...e, time: e.time ?? new Date().toISOString(), requestId: null }));
    }
  }
}

export function toEvent(record: KernelRecord): PostedEvent & { readonly time: string } {
  const time = new Date().toISOString();
  switch (record.kind) {
    case 'exec':
      return { time, kind: 'exec', pid: record.worker, comm: record.workerComm, command: record.argv.length > 0 ? record.argv.join(' ') : record.comm, port: null, from: null, to: null, child: record.pid, address: null };
    case 'tcp':
      return { time, kind: 'tcp-state', pid: record.pid, comm: record.comm, command: null, port: record.dport, from: record.from, to: record.to, child: null, address: record.daddr };
    case 'retransmit':
      return { time, kind: 'retransmit', pid: record.pid, comm: record.comm, command: null, port: record.dport, from: record.state, to: null, child: null, address: record.daddr };
  }
}

/** Sends a signal to a process that may already be gone. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // it ended on its own
  }
}
