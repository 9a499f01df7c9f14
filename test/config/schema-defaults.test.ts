// Every `default` in schema/switchyard.schema.json (what editors and docs/config-reference.md
// show) is what the normaliser applies: a config that leaves the key out loads to the same
// GatewayConfig as one that sets it to the schema's default. One test per default, found by
// walking the schema, so a default added there is checked without writing a test for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const schema = JSON.parse(readFileSync(new URL('../../../schema/switchyard.schema.json', import.meta.url), 'utf8')) as Json;

/** Each `default` with the schema path of its node (`$defs/route/properties/shadow/properties/sample`). */
function defaultsIn(node: Json, path: string[] = []): { path: string[]; value: Json }[] {
  if (node === null || typeof node !== 'object') return [];
  const here = !Array.isArray(node) && 'default' in node ? [{ path, value: node['default'] as Json }] : [];
  const below = Array.isArray(node) ? node.flatMap((v, i) => defaultsIn(v, [...path, String(i)])) : Object.entries(node).flatMap(([k, v]) => (k === 'default' ? [] : defaultsIn(v, [...path, k])));
  return [...here, ...below];
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-schema-defaults-'));
  await writeFile(join(dir, 'api.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/a': { get: { operationId: 'show', responses: { '200': { description: 'ok' } } } } } }));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const http = { type: 'http', endpoints: ['http://127.0.0.1:9'] };
/** Where each part of the schema lives in a minimal document: the document, and the path of the part in it. */
const hosts: Record<string, () => { doc: { [key: string]: Json }; at: (string | number)[] }> = {
  properties: () => ({ doc: { routes: [] }, at: [] }),
  '$defs/fastcgiUpstream': () => ({ doc: { upstreams: { u: { type: 'fastcgi', address: '127.0.0.1:9000', root: dir } }, routes: [] }, at: ['upstreams', 'u'] }),
  // https, so that `tls` applies.
  '$defs/httpUpstream': () => ({ doc: { upstreams: { u: { type: 'http', endpoints: ['https://127.0.0.1:9'] } }, routes: [] }, at: ['upstreams', 'u'] }),
  '$defs/grpcUpstream': () => ({ doc: { upstreams: { u: { type: 'grpc', endpoints: ['h2c://127.0.0.1:9'] } }, routes: [] }, at: ['upstreams', 'u'] }),
  '$defs/route': () => ({ doc: { upstreams: { u: { ...http }, c: { ...http } }, routes: [{ get: '/a', to: 'u', name: 'r' }] }, at: ['routes', 0] }),
};
/** What an object must hold besides the key under test, by the schema path of the property that holds it. */
const required = (): Record<string, Json> => ({
  'properties/listen': [{ address: '127.0.0.1:0', tls: { cert: fileURLToPath(new URL('../../../test/fixtures/tls/server.pem', import.meta.url)), key: fileURLToPath(new URL('../../../test/fixtures/tls/server.key', import.meta.url)) } }],
  'properties/telemetry/properties/tracing': { otlp: 'http://127.0.0.1:4318/v1/traces' },
  '$defs/httpUpstream/properties/endpoints': [{ url: 'https://127.0.0.1:9' }],
  '$defs/httpUpstream/properties/healthCheck': { path: '/healthz' },
  '$defs/route/properties/split': { canary: 'c', weight: 10 },
  '$defs/route/properties/rollout': { canary: 'c', steps: [{ weight: 10 }] },
  '$defs/route/properties/rollout/properties/analysis': [{ metric: 'prometheus', query: 'up', min: 1 }],
  '$defs/route/properties/shadow': { to: 'c' },
  '$defs/route/properties/openapi': { spec: join(dir, 'api.json'), operation: 'show' },
});

/** The `required` list of the schema node at `path`. */
function requiredIn(path: string[]): readonly string[] {
  const node = path.reduce<Json>((n, k) => (n as Record<string, Json>)[k] as Json, schema) as { required?: string[] };
  return node.required ?? [];
}

/** Two documents: one without the key, one with it set to `value`. */
function documents(path: string[], value: Json): [Json, Json] {
  const hostKey = Object.keys(hosts).find((h) => path.join('/').startsWith(`${h}/`));
  if (hostKey === undefined) throw new Error(`no minimal document holds ${path.join('/')}: add one to hosts`);
  const make = (set: boolean): Json => {
    const { doc, at } = (hosts[hostKey] as () => { doc: { [key: string]: Json }; at: (string | number)[] })();
    let cursor = at.reduce<Json>((n, k) => (n as Record<string, Json>)[k] as Json, doc) as Record<string, Json> | Json[];
    const parents: { holder: Record<string, Json>; key: string }[] = [];
    // Top-level keys start at `properties`; a $defs part below its own name.
    const offset = hostKey === 'properties' ? 0 : hostKey.split('/').length;
    const rest = path.slice(offset);
    const needed = required();
    for (let i = 0; i < rest.length; i++) {
      const seg = rest[i] as string;
      if (seg === 'properties') {
        const key = rest[++i] as string;
        const holder = cursor as Record<string, Json>;
        if (i === rest.length - 1) {
          if (set) holder[key] = value;
          else {
            delete holder[key];
            // A required key left out means the object holding it is left out (state.store).
            const parent = parents.at(-1);
            if (parent !== undefined && requiredIn(path.slice(0, -2)).includes(key)) delete parent.holder[parent.key];
          }
          break;
        }
        const own = needed[path.slice(0, offset + i + 1).join('/')];
        holder[key] = own ?? holder[key] ?? {};
        parents.push({ holder, key });
        cursor = holder[key] as Record<string, Json>;
      } else if (seg === 'items') cursor = (cursor as Json[])[0] as Record<string, Json>;
      else if (seg === 'oneOf' || seg === 'allOf' || seg === 'anyOf') i++;
      // `then`: the branch an `if` chose; the document already satisfies its `if`.
    }
    return doc;
  };
  return [make(false), make(true)];
}

for (const { path, value } of defaultsIn(schema)) {
  const name = path.filter((s) => s !== 'properties' && !/^\d+$/.test(s) && !['oneOf', 'allOf', 'anyOf', 'then', 'items'].includes(s)).join('.');
  test(`${name}: default ${JSON.stringify(value)} is what the normaliser applies`, () => {
    const [without, withDefault] = documents(path, value);
    const load = (doc: Json) => parseConfig(stringify(doc), { file: 'sy.yaml', source: join(dir, 'sy.yaml'), env: {} }).config;
    assert.deepEqual(load(without), load(withDefault), `left out vs set:\n${stringify(without)}---\n${stringify(withDefault)}`);
  });
}
