/**
 * Micro-benchmark of the per-request work of edge validation and error chains: turning a
 * request's parameters into typed values and validating them with its JSON body against a
 * compiled OpenAPI operation, checking a response body, decoding an X-Error-Chain header, and
 * what the error-chain filter costs an ordinary 200 (its response wrapper put on and taken off).
 * Bounded by time. Run: `npx tsc -p tsconfig.json && node dist/bench/micro/contract.js`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../src/listener/exchange.js';
import { loadOpenapi } from '../../src/contract/openapi-document.js';
import { compileOperation, newAjv, responseFor } from '../../src/contract/operation-contract.js';
import { requestValues } from '../../src/contract/request-values.js';
import { decodeChain, encodeChain } from '../../src/error-chain/header-codec.js';
import { createChainFilter } from '../../src/error-chain/chain-filter.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

const SPEC = `openapi: 3.1.0
info: { title: bench, version: '1' }
paths:
  /users/{id}:
    put:
      operationId: putUser
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }
        - { name: x-tenant, in: header, required: true, schema: { type: string } }
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: '#/components/schemas/User' } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } }
components:
  schemas:
    User:
      type: object
      additionalProperties: false
      required: [name, age]
      properties:
        name: { type: string }
        age: { type: integer, minimum: 0 }
        email: { type: string, format: email }
        tags: { type: array, items: { type: string } }
`;

async function run(name: string, fn: () => unknown): Promise<void> {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    // Awaited per batch: an async step's continuations run before the next batch starts.
    const pending: unknown[] = [];
    for (let i = 0; i < 100; i++) pending.push(fn());
    await Promise.all(pending);
    n += 100;
  }
  console.log(`${name.padEnd(44)} ${Math.round(n / SECONDS).toLocaleString('en')} ops/s`);
}

const dir = mkdtempSync(join(tmpdir(), 'sy-bench-contract-'));
writeFileSync(join(dir, 'api.yaml'), SPEC);
const contract = compileOperation(loadOpenapi(join(dir, 'api.yaml')), newAjv(), 'putUser', ['id']);
rmSync(dir, { recursive: true });
const body = '{"name":"ada","age":36,"email":"ada@example.com","tags":["a","b"]}';
const exchange = { query: 'limit=20', match: { params: { id: '42' } }, req: { headers: { 'x-tenant': 'acme' } } } as unknown as Exchange;
const validateResponse = responseFor(contract, 200)?.validate;
const header = encodeChain([
  { source: 'php', title: 'UserNotLoaded', status: 503, detail: 'cannot load user 7', exception: 'UserNotLoaded', file: '/srv/app/users.php', line: 13 },
  { source: 'php', title: 'RuntimeException', status: 503, detail: 'connection to users-db refused', code: '2002' },
]);

// A response with what the chain filter touches: writeHead, write, end, flushHeaders.
const fakeResponse = { writeHead: () => undefined, write: () => true, end: () => undefined, flushHeaders: () => undefined, writableNeedDrain: false };
const fields = ['content-type', 'application/json', 'content-length', '11', 'date', 'Mon, 07 Dec 2026 23:00:00 GMT', 'server', 'svc'];
const chainFilter = createChainFilter('http');
const answer = (e: Exchange) => {
  e.res.writeHead(200, fields);
  e.res.end(Buffer.from('{"ok":true}'));
  return Promise.resolve();
};

await run('request: params + JSON body validated', () => {
  const values = requestValues(exchange, contract.parameters);
  values.body = JSON.parse(body);
  if (!contract.validateRequest(values)) throw new Error('invalid');
});
await run('response: JSON body validated', () => validateResponse?.({ body: JSON.parse(body) }));
await run('x-error-chain: two links decoded and checked', () => decodeChain(header));
await run('chain filter around a 200 (no header sent)', () => {
  const e = { req: { headers: {} }, res: { ...fakeResponse }, match: undefined } as unknown as Exchange;
  return chainFilter(e, () => answer(e));
});
