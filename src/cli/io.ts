/**
 * What a command may touch of the outside world. `runCli` is given one so that tests run commands
 * in-process and read what they printed; `bin.ts` passes the real process streams.
 */
import type { Writable } from 'node:stream';

export interface CliOutput extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Handed to every command factory: the IO and the way to report a non-zero exit. */
export interface CommandContext {
  readonly io: CliIO;
  /** Sets the process exit code `runCli` returns (the highest one set wins). */
  exit(code: number): void;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
