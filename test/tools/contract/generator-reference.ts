/**
 * ts-json-schema-generator's own command line, the reference the contract tests compare against:
 * its output for the same file and type, with its definitions under their OpenAPI names.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export function generatorCli(): string {
  const manifest = require.resolve('ts-json-schema-generator/package.json');
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['ts-json-schema-generator'] as string;
  return join(dirname(manifest), bin);
}

/** The generator CLI's draft-07 schema for one root type of a file. */
export async function generatorSchema(file: string, type: string): Promise<{ definitions: Record<string, unknown> }> {
  const { stdout } = await run(process.execPath, [generatorCli(), '--path', file, '--type', type], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as { definitions: Record<string, unknown> };
}
