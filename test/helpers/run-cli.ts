/** Runs `switchyard ...` in-process through runCli and returns the exit code and what it printed. */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string | Buffer } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const code = await runCli(argv, { stdout, stderr, stdin, env: options.env ?? {}, cwd: options.cwd ?? process.cwd() });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
