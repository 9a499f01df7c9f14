/**
 * The files Switchyard reads at run time besides its code: package.json (the version), the config
 * schema, the dashboard's page, script and style, uPlot from its package, and the built-in
 * `.proto` files. Installed as a package, they are read from the package's folder (tsc does not
 * copy non-TypeScript files, so compiled modules would otherwise each work out `../../..` paths
 * on their own). In the single executable (`npm run build:sea`) the same files are the
 * executable's assets, embedded under the same names by scripts/build-sea.mjs, and read with
 * node:sea. Every such lookup goes through here so that both layouts keep working.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

const require = createRequire(import.meta.url);

/** node:sea exists from Node 20.12; older Nodes only ever run the package. */
const sea: SeaApi | undefined = (() => {
  try {
    const api = require('node:sea') as SeaApi;
    return api.isSea() ? api : undefined;
  } catch {
    return undefined;
  }
})();

/** Asset names in the executable: the paths below, and `dependency:` + a module specifier. */
export const SEA_MANIFEST = 'sea-manifest.json';

/** True inside the single executable. */
export const inSingleExecutable = sea !== undefined;

let packageRoot: string | undefined;

/** The folder holding Switchyard's package.json: `dist/src/runtime` or `src/runtime` sit below it. */
function root(): string {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`switchyard's package folder is not above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (packageRoot = dir);
}

/** A file of the package, by its path in the package (`schema/switchyard.schema.json`). */
export function readPackageFile(path: string): Buffer {
  if (sea !== undefined) return Buffer.from(sea.getAsset(path));
  return readFileSync(join(root(), path));
}

/** A file of a dependency, by module specifier (`uplot/dist/uPlot.min.css`). */
export function readDependencyFile(specifier: string): Buffer {
  if (sea !== undefined) return Buffer.from(sea.getAsset(`dependency:${specifier}`));
  return readFileSync(require.resolve(specifier));
}

let extracted: Map<string, string> | undefined;

/**
 * A folder of the package on disk (`src/proto/include`), for tools that need real files (buf reads
 * the built-in protos through symlinks). From the executable, its assets are written once to a
 * private temporary folder.
 */
export function packageDir(path: string): string {
  if (sea === undefined) return join(root(), path);
  extracted ??= new Map();
  let dir = extracted.get(path);
  if (dir === undefined) {
    const made = (dir = mkdtempSync(join(tmpdir(), 'switchyard-')));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    const names = (JSON.parse(Buffer.from(sea.getAsset(SEA_MANIFEST)).toString('utf8')) as string[]).filter((name) => name.startsWith(`${path}/`));
    for (const name of names) {
      const target = join(dir, name.slice(path.length + 1));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, Buffer.from(sea.getAsset(name)));
    }
    extracted.set(path, dir);
  }
  return dir;
}

/**
 * The script of a worker thread: the compiled module (`new URL('./worker.js', import.meta.url)`),
 * or from the executable its bundle `bundle`, carried as the asset `workers/<bundle>` and written
 * to the private folder (a worker thread starts from a file).
 */
export function workerScript(compiled: URL, bundle: string): URL {
  if (sea === undefined) return compiled;
  return pathToFileURL(join(packageDir('workers'), bundle));
}
