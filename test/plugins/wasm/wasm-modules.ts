/**
 * Builds the example filters (examples/wasm) and the test modules (modules/) from their WAT
 * source with wabt's wat2wasm into a temporary directory, as CI does: the tests never use a
 * prebuilt binary. Returns the path of each built module by its file name without `.wat`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The repository's root: tests run from dist/test/plugins/wasm. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface BuiltModules {
  readonly dir: string;
  path(name: string): string;
  remove(): Promise<void>;
}

export async function buildWasmModules(): Promise<BuiltModules> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-wasm-'));
  const sources = [join(ROOT, 'examples', 'wasm'), join(ROOT, 'test', 'plugins', 'wasm', 'modules')];
  const built = new Map<string, string>();
  for (const source of sources) {
    for (const file of await readdir(source)) {
      if (!file.endsWith('.wat')) continue;
      const name = file.slice(0, -'.wat'.length);
      const out = join(dir, `${name}.wasm`);
      await run('wat2wasm', [join(source, file), '-o', out]);
      built.set(name, out);
    }
  }
  return {
    dir,
    path(name) {
      const p = built.get(name);
      if (p === undefined) throw new Error(`no module ${name}`);
      return p;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
