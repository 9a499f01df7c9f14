// Modules that must not load: each is refused when the config loads, with one line naming the
// file and what is wrong (SY_ERR_CONFIG_MIDDLEWARE, at the middleware's `module` key).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway } from '../../helpers/start-gateway.js';
import { isSwitchyardError } from '../../../src/errors.js';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { buildWasmModules, type BuiltModules } from './wasm-modules.js';

let modules: BuiltModules;

before(async () => {
  modules = await buildWasmModules();
});
after(() => modules?.remove());

async function loadError(middleware: string): Promise<{ code: string; path: string; message: string }> {
  const yaml = `
listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
middleware:
  f: ${middleware}
routes:
  - get: /
    to: svc
    middleware: [f]
`;
  try {
    const gw = await startTestGateway(yaml);
    await gw.stop();
  } catch (err) {
    assert.ok(isSwitchyardError(err));
    const problems = (err as unknown as { problems: { code: string; path: string; message: string }[] }).problems;
    assert.equal(problems.length, 1);
    return problems[0] as { code: string; path: string; message: string };
  }
  assert.fail('the config loaded');
}

test('a file that is not WebAssembly', async () => {
  const file = join(modules.dir, 'notes.wasm');
  await writeFile(file, 'just some text\n');
  const p = await loadError(`{ type: wasm, module: ${file} }`);
  assert.equal(p.code, 'SY_ERR_CONFIG_MIDDLEWARE');
  assert.equal(p.path, 'middleware.f.module');
  assert.match(p.message, new RegExp(`${file} is not a WebAssembly module`));
});

test('a module with no ABI marker', async () => {
  const p = await loadError(`{ type: wasm, module: ${modules.path('no-marker')} }`);
  assert.match(p.message, /no-marker\.wasm exports no proxy-wasm ABI marker \(proxy_abi_version_0_2_1 or proxy_abi_version_0_2_0\)/);
});

test('a module importing a function the host does not have, named', async () => {
  const p = await loadError(`{ type: wasm, module: ${modules.path('unknown-import')} }`);
  assert.match(p.message, /unknown-import\.wasm imports function env\.proxy_make_coffee, which is not a proxy-wasm 0\.2\.1 host function/);
});

test('a module importing an ABI function with the wrong signature', async () => {
  const p = await loadError(`{ type: wasm, module: ${modules.path('wrong-signature')} }`);
  assert.match(p.message, /imports env\.proxy_log as \(i32, i32\) -> \(i32\), but the ABI defines it as \(i32, i32, i32\) -> \(i32\)/);
});

test('a plugin whose proxy_on_configure rejects its configuration', async () => {
  const p = await loadError(`{ type: wasm, module: ${modules.path('api-key')} }`);
  assert.match(p.message, /api-key\.wasm did not start: proxy_on_configure returned false/);
});

test('a module whose initial memory is over maxMemory, and a missing file', async () => {
  const big = await loadError(`{ type: wasm, module: ${modules.path('api-key')}, config: k, maxMemory: 64kb }`);
  assert.match(big.message, /starts with 131072 bytes of memory, more than maxMemory \(65536\)/);
  const missing = await loadError(`{ type: wasm, module: ./nowhere.wasm }`);
  assert.match(missing.message, /cannot read .*nowhere\.wasm: ENOENT/);
});

test('switchyard validate: the module path relative to the config file, and one line per bad module', async () => {
  await writeFile(
    join(modules.dir, 'switchyard.yaml'),
    `listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
middleware:
  good: { type: wasm, module: ./ab-assign.wasm }
  bad: { type: wasm, module: ./unknown-import.wasm }
routes:
  - get: /
    to: svc
    middleware: [good, bad]
`,
  );
  const config = join(modules.dir, 'switchyard.yaml');
  const r = await runCliCaptured(['validate', '-c', config]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.ok((lines[0] as string).startsWith(`${config}:6:`), lines[0]);
  assert.match(lines[0] as string, /middleware\.bad\.module: .*unknown-import\.wasm imports function env\.proxy_make_coffee/);
  assert.equal(lines[1], `${config}: 1 problem`);
});
