// A fixed split in front of two real HTTP services: the weight shares requests, every answer
// names its side in x-switchyard-canary (a shadowed route's too; errors too: a canary that is down answers 502 with 1),
// X-Switchyard-Canary: always|never forces a side, a sticky cookie keeps a client on its side
// (and holds a bucket, so it survives the next answer), a sticky header hashes to one side.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { freePort } from '../helpers/free-port.js';
import { startService, type Service } from './services.js';

let baseline: Service;
let canary: Service;
let gateway: TestGateway;

before(async () => {
  baseline = await startService('baseline');
  canary = await startService('canary');
  const down = await freePort();
  gateway = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
  gone: { type: http, endpoints: [http://127.0.0.1:${down}], retry: { attempts: 1 } }
routes:
  - get: /weighted
    to: old
    split: { canary: new, weight: 30 }
  - get: /cookie
    to: old
    split: { canary: new, weight: 50, sticky: cookie, cookie: side }
  - get: /header
    to: old
    split: { canary: new, weight: 50, sticky: header, header: X-User }
  - get: /down
    to: old
    split: { canary: gone, weight: 100 }
  - get: /plain
    to: old
  - get: /shadowed
    name: shadowed
    to: old
    shadow: { to: new }
`);
});

after(async () => {
  await gateway?.stop();
  await baseline?.close();
  await canary?.close();
});

test('a 30% split sends about 30% of requests to the canary and every answer names its side', async () => {
  let toCanary = 0;
  for (let i = 0; i < 400; i++) {
    const res = await httpRequest(gateway.port, '/weighted');
    const side = res.json<{ side: string }>().side;
    assert.equal(res.headers['x-switchyard-canary'], side === 'canary' ? '1' : '0');
    if (side === 'canary') toCanary++;
  }
  // Binomial(400, 0.3): mean 120, sd 9.2; 80..160 is beyond 4 sd.
  assert.ok(toCanary > 80 && toCanary < 160, `${toCanary} of 400 went to the canary`);
  assert.equal((await httpRequest(gateway.port, '/plain')).headers['x-switchyard-canary'], undefined, 'a route without split says nothing');
  const shadowed = await httpRequest(gateway.port, '/shadowed');
  assert.equal(shadowed.headers['x-switchyard-canary'], '0', 'a shadowed route is served by its baseline, and says so');
  assert.equal(shadowed.json<{ side: string }>().side, 'baseline');
});

test('X-Switchyard-Canary: always and never force the side', async () => {
  for (let i = 0; i < 20; i++) {
    const always = await httpRequest(gateway.port, '/weighted', { headers: { 'x-switchyard-canary': 'always' } });
    assert.equal(always.json<{ side: string }>().side, 'canary');
    assert.equal(always.headers['x-switchyard-canary'], '1');
    const never = await httpRequest(gateway.port, '/weighted', { headers: { 'x-switchyard-canary': 'never' } });
    assert.equal(never.json<{ side: string }>().side, 'baseline');
    assert.equal(never.headers['x-switchyard-canary'], '0');
  }
});

test('a sticky cookie keeps each client on the side its first answer chose', async () => {
  const sides = new Set<string>();
  for (let client = 0; client < 20; client++) {
    const first = await httpRequest(gateway.port, '/cookie');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^side=\d+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0] as string;
    const side = first.json<{ side: string }>().side;
    sides.add(side);
    for (let i = 0; i < 5; i++) {
      const again = await httpRequest(gateway.port, '/cookie', { headers: { cookie: `other=1; ${cookie}` } });
      assert.equal(again.json<{ side: string }>().side, side);
      assert.equal(again.headers['set-cookie'], undefined, 'the cookie is set once');
    }
  }
  assert.deepEqual([...sides].sort(), ['baseline', 'canary'], 'with 20 clients at 50% both sides were used');
});

test('a sticky header sends one value to one side', async () => {
  const sides = new Set<string>();
  for (let user = 0; user < 20; user++) {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await httpRequest(gateway.port, '/header', { headers: { 'x-user': `user-${user}` } })).json<{ side: string }>().side);
    assert.equal(seen.size, 1, `user-${user} saw ${[...seen].join(' and ')}`);
    sides.add([...seen][0] as string);
  }
  assert.equal(sides.size, 2);
});

test('an error answer from the canary side still says who served it', async () => {
  const res = await httpRequest(gateway.port, '/down');
  assert.equal(res.status, 502);
  assert.equal(res.headers['content-type'], 'application/problem+json');
  assert.equal(res.headers['x-switchyard-canary'], '1');
  const forced = await httpRequest(gateway.port, '/down', { headers: { 'x-switchyard-canary': 'never' } });
  assert.equal(forced.status, 200);
  assert.equal(forced.headers['x-switchyard-canary'], '0');
});

test('a sticky bucket keeps canary clients on the canary as the weight grows, and none after a rollback', async () => {
  const { pickSide } = await import('../../src/delivery/split/pick-side.js');
  for (let bucket = 0; bucket < 10_000; bucket += 7) {
    const headers = { cookie: `switchyard-canary=${bucket}` };
    const sticky = { kind: 'cookie' as const, name: 'switchyard-canary' };
    const at = (weight: number) => pickSide(headers, weight, sticky).canary;
    if (at(10)) assert.ok(at(40) && at(100), `bucket ${bucket} left the canary as the weight grew`);
    assert.equal(at(0), false);
    assert.equal(at(10), bucket < 1000);
  }
});
