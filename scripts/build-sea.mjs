// `npm run build:sea`: the single executable, dist/sea/switchyard, with Node's SEA support
// (https://nodejs.org/api/single-executable-applications.html). Node 20 runs one CommonJS script
// as the executable's main, so the compiled ESM (dist/src) is bundled into one file by esbuild
// (a maintained bundler that reads ESM with dynamic imports and writes CommonJS; tsc cannot
// bundle). The files read at run time (src/runtime/resources.ts) become SEA assets under the
// names the package uses. Then: node --experimental-sea-config writes the blob, and postject
// injects it into a copy of this node binary.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'dist/sea');
const require = createRequire(import.meta.url);
const started = Date.now();

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 1. One CommonJS script. import.meta.url (used by modules to find files beside them when run as
// a package) is the executable's own URL: resources.ts does not rely on it inside the executable.
const bundle = join(OUT, 'switchyard.cjs');
// Dependencies a module loads on first use with createRequire (yaml for buf.yaml, cli-progress
// on a TTY) are invisible to the bundler; in the bundle they become plain require()s, which it
// follows. Nothing else is rewritten.
const LAZY = /(?:createRequire\(import\.meta\.url\)|\bload)\('(yaml|cli-progress)'\)/g;
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    b.onLoad({ filter: /dist\/src\/.*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const rewritten = text.replace(LAZY, "require('$1')");
      return rewritten === text ? undefined : { contents: rewritten, loader: 'js' };
    });
  },
};
await build({
  plugins: [lazyRequires],
  entryPoints: [join(ROOT, 'dist/src/sea/entry.js')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: "const __seaImportMetaUrl = require('node:url').pathToFileURL(process.execPath).href;" },
  define: { 'import.meta.url': '__seaImportMetaUrl' },
});

// Worker threads start from a file: their scripts are bundles of their own (ESM, as the VM
// worker awaits at top level), carried as assets and written out when first needed.
const WORKERS = { 'logs-scan.mjs': 'dist/src/tools/logs/scan/worker.js', 'wasm-vm.mjs': 'dist/src/plugins/wasm/vm-worker.js' };
for (const [name, entry] of Object.entries(WORKERS)) {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(OUT, 'workers', name),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require.
    banner: { js: "import { createRequire as __seaCreateRequire } from 'node:module'; const require = __seaCreateRequire(import.meta.url);" },
  });
}

// 2. The assets: the package files read at run time, and the dependency files the dashboard serves.
const { DASHBOARD_PACKAGE_FILES, DASHBOARD_DEPENDENCY_FILES } = await import(join(ROOT, 'dist/src/admin/dashboard/assets.js'));
const { SEA_MANIFEST } = await import(join(ROOT, 'dist/src/runtime/resources.js'));
const filesUnder = (dir) =>
  readdirSync(join(ROOT, dir)).flatMap((name) => (statSync(join(ROOT, dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
const packageFiles = ['package.json', ...DASHBOARD_PACKAGE_FILES, ...filesUnder('src/proto/include')];
const assets = Object.fromEntries(packageFiles.map((path) => [path, join(ROOT, path)]));
for (const name of Object.keys(WORKERS)) {
  packageFiles.push(`workers/${name}`);
  assets[`workers/${name}`] = join(OUT, 'workers', name);
}
for (const specifier of DASHBOARD_DEPENDENCY_FILES) assets[`dependency:${specifier}`] = require.resolve(specifier);
const manifest = join(OUT, SEA_MANIFEST);
writeFileSync(manifest, JSON.stringify(packageFiles));
assets[SEA_MANIFEST] = manifest;

// 3. The blob, and the executable: a copy of this node with the blob injected.
const blob = join(OUT, 'switchyard.blob');
writeFileSync(join(OUT, 'sea-config.json'), JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets }, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', join(OUT, 'sea-config.json')], { stdio: 'inherit' });
const exe = join(OUT, 'switchyard');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
// starts: node (postject's CLI, run with this node)
execFileSync(process.execPath, [join(dirname(require.resolve('postject/package.json')), 'dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: 'inherit' });
console.log(`${relative(ROOT, exe)} (${(statSync(exe).size / 1e6).toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
