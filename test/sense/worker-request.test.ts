// Naming the request a php-fpm worker serves from what its status page says of it, case by case:
// running, reading headers on a kept connection, idle with its last request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRequest, parseFpmProcesses, type FpmProcess } from '../../src/sense/worker-request.js';
import type { InFlightRequest } from '../../src/sense/in-flight-requests.js';

const NOW = 1_000_000;
const req = (id: string, url: string, startedAt: number, endedAt?: number, method = 'GET'): InFlightRequest => ({ id, method, url, startedAt, endedAt, upstream: 'legacy' });
const proc = (state: string, method: string, uri: string, durationMs: number): FpmProcess => ({ pid: 7, state, method, uri, durationUs: durationMs * 1000 });

const requests = [
  req('run-a', '/a.php?x=1', NOW - 300),
  req('run-a2', '/a.php?x=1', NOW - 40),
  req('run-b', '/b.php', NOW - 40),
  req('done-a', '/a.php?x=1', NOW - 500, NOW - 450),
  req('done-c', '/c.php', NOW - 90, NOW - 20),
  req('post-c', '/c.php', NOW - 95, NOW - 25, 'POST'),
];

const cases: [string, FpmProcess, string | undefined][] = [
  ['running: same target, the start closest to php-fpm\'s', proc('Running', 'GET', '/a.php?x=1', 35), 'run-a2'],
  ['running: the older of two identical targets', proc('Running', 'GET', '/a.php?x=1', 290), 'run-a'],
  ['running under a URI php-fpm shows differently: any of the method, closest start', proc('Running', 'GET', '/index.php', 38), 'run-a2'],
  ['running: a finished request is not a candidate', proc('Running', 'POST', '/c.php', 90), undefined],
  ['reading headers: the request that ended when the wait began', proc('Reading headers', '-', '-', 24), 'post-c'],
  ['reading headers: nothing ended near that time', proc('Reading headers', '-', '-', 4000), undefined],
  ['idle: same target, the duration closest to php-fpm\'s', proc('Idle', 'GET', '/c.php', 68), 'done-c'],
  ['idle: last request of another method does not match this one', proc('Idle', 'DELETE', '/c.php', 68), undefined],
];
for (const [what, process, expected] of cases) {
  test(what, () => {
    assert.equal(matchRequest(process, requests, NOW)?.id, expected);
  });
}

test('the status page: children read from JSON after the CGI head; anything else lists none', () => {
  const page = 'Content-Type: application/json\r\n\r\n{"pool":"www","processes":[{"pid":12,"state":"Running","request method":"GET","request uri":"\\/a.php?x=1","request duration":1500},{"state":"Idle"}]}';
  assert.deepEqual(parseFpmProcesses(page), [{ pid: 12, state: 'Running', method: 'GET', uri: '/a.php?x=1', durationUs: 1500 }]);
  assert.deepEqual(parseFpmProcesses('Status: 404 Not Found\r\n\r\nFile not found.'), []);
  assert.deepEqual(parseFpmProcesses('Content-Type: application/json\r\n\r\n{"processes":{}}'), []);
});
