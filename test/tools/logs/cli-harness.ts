/**
 * Runs `switchyard logs` in-process with captured stdout/stderr (and an optional stdin), the way
 * a user would call it, for the tests in this folder.
 */
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/run-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Absolute path of a file in test/fixtures/logs (tests run from dist/test/...). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../../test/fixtures/logs/${name}`, import.meta.url));
}

export async function runLogs(args: readonly string[], stdin: string | Buffer = '', cwd = process.cwd()): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(['logs', ...args], { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), env: {}, cwd });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** Runs with `--output json` and parses the report. */
export async function reportOf(args: readonly string[], stdin?: string | Buffer): Promise<Record<string, any>> {
  const run = await runLogs([...args, '--output', 'json'], stdin);
  if (run.code !== 0) throw new Error(`switchyard logs exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, any>;
}
