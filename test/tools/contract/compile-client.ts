/**
 * Compiles generated clients with the project's own TypeScript (`tsc --strict` and the stricter
 * flags the project itself uses) in a scratch directory, and returns tsc's diagnostics by line.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Runs tsc over `files` in `dir` (emitting JavaScript into dir/out) and returns its errors. */
export async function compile(dir: string, files: readonly string[]): Promise<Diagnostic[]> {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noUnusedLocals: true,
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: [],
      outDir: 'out',
    },
    files,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', dir], { cwd: dir, maxBuffer: 16 << 20 });
    return [];
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    if (out === '') throw err;
    return [...out.matchAll(/^(\S+?)\((\d+),\d+\): error (.*)$/gm)].map((m) => ({ file: m[1] as string, line: Number(m[2]), text: m[3] as string }));
  }
}
