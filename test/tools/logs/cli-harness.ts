/**
 * Runs `switchyard logs` in-process with captured stdout/stderr (and an optional stdin), the way
 * a user would call it, for the tests in this folder.
 */
import { fileURLToPath } from 'node:url';
import { runCliCaptured, type CliResult } from '../../helpers/run-cli.js';

/** The built CLI entry, for tests that need a real process (signals, --follow, worker threads). */
export const BIN = fileURLToPath(new URL('../../../src/cli/bin.js', import.meta.url));

/** Absolute path of a file in test/fixtures/logs (tests run from dist/test/...). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../../test/fixtures/logs/${name}`, import.meta.url));
}

export function runLogs(args: readonly string[], stdin: string | Buffer = '', cwd = process.cwd()): Promise<CliResult> {
  return runCliCaptured(['logs', ...args], { stdin, cwd });
}

/** Runs with `--output json` and parses the report. */
export async function reportOf(args: readonly string[], stdin?: string | Buffer): Promise<Record<string, any>> {
  const run = await runLogs([...args, '--output', 'json'], stdin);
  if (run.code !== 0) throw new Error(`switchyard logs exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, any>;
}
