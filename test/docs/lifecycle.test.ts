// docs/lifecycle.md stays true to the code, for what can be checked without reading prose: every
// module and folder it names exists, every status it gives a code is the catalogue's, every
// config key it names is in the schema (or a plugin's own key in docs/plugins.md), the channel
// it names is the one metrics subscribe to, and the signals it describes are the ones handled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { catalogue } from '../../src/errors.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const doc = read('docs/lifecycle.md');
const quoted = [...new Set([...doc.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string))];

test('every module and folder it names exists under src/', () => {
  const tree = [...doc.matchAll(/\bsrc\/[\w/.-]+/g)].map((m) => m[0].slice('src/'.length));
  const paths = [...quoted.filter((q) => /^[a-z][\w-]*\/[\w/.-]*$/.test(q)), ...tree];
  assert.ok(paths.length >= 15, `found ${paths.length}`);
  assert.deepEqual(paths.filter((p) => !existsSync(new URL(`src/${p}`, root))), []);
});

test('every status it gives an error code is the catalogue status of that code', () => {
  const wrong: string[] = [];
  let checked = 0;
  // `404 (`SY_ERR_ROUTE_NOT_FOUND`)`, `401 (`A`, `B`)`, `503 + `Retry-After` (`C`)`.
  for (const m of doc.matchAll(/\b([1-5]\d\d)\b[^()|;]*?\(((?:`SY_ERR_\w+`(?:, )?)+)\)/g)) {
    for (const code of (m[2] as string).match(/SY_ERR_\w+/g) ?? []) {
      checked++;
      const def = catalogue[code as keyof typeof catalogue];
      if (def === undefined) wrong.push(`${code} is not in the catalogue`);
      else if (def.status !== Number(m[1])) wrong.push(`${code}: the page says ${m[1]}, the catalogue ${def.status}`);
    }
  }
  assert.ok(checked >= 30, `checked ${checked}`);
  assert.deepEqual(wrong, []);
});

test('every code it names is in the catalogue', () => {
  assert.deepEqual(quoted.filter((q) => q.startsWith('SY_ERR_') && !(q in catalogue)), []);
});

test('every config key it names is in the schema, or is a plugin key in docs/plugins.md', () => {
  const schema = read('schema/switchyard.schema.json');
  const plugins = read('docs/plugins.md');
  // Members of a problem+json body, and the config file's own name: not config keys.
  const notConfig = new Set(['code', 'requestId', 'switchyard.yaml']);
  const keys = quoted.filter((q) => /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)*(:( .*)?)?$/.test(q)).map((q) => q.replace(/:.*$/, '')).filter((k) => !notConfig.has(k));
  assert.ok(keys.length >= 15, `found ${keys.length}`);
  const known = (key: string) => key.split('.').every((part) => schema.includes(`"${part}":`) || schema.includes(`"${part}"`)) || plugins.includes(`\`${key}`);
  assert.deepEqual(keys.filter((k) => !known(k)), []);
});

test('the channel it names is the one the request path publishes on', () => {
  const channel = quoted.find((q) => q.startsWith('switchyard:'));
  assert.ok(channel !== undefined);
  assert.match(read('src/telemetry/channels.ts'), new RegExp(`channel\\('${channel}'\\)`));
});

test('the signals it describes are the ones serve handles, in one process and with workers', () => {
  const named = ['SIGTERM', 'SIGINT', 'SIGHUP'].filter((s) => doc.includes(s));
  assert.equal(named.length, 3);
  for (const file of ['src/gateway/start.ts', 'src/process/primary.ts']) {
    const source = read(file);
    for (const signal of named) assert.match(source, new RegExp(`on\\('${signal}'`), `${file} handles ${signal}`);
  }
});

test('the readiness answers it gives are /ready\'s', () => {
  const ready = read('src/admin/ready.ts');
  for (const code of ['SY_ERR_SHUTTING_DOWN', 'SY_ERR_NOT_READY']) {
    assert.ok(doc.includes(`\`${code}\``), `lifecycle.md names ${code}`);
    assert.ok(ready.includes(`'${code}'`), `/ready answers ${code}`);
  }
});
