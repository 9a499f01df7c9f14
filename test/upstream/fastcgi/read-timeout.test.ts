// readTimeout (nginx's fastcgi_read_timeout) from the pool's coarse clock: a request that hears
// nothing for readTimeout is a 504, one that keeps hearing is not, and a kept connection that is
// merely idle is never timed out by it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordType, encodeEndRequest, encodeStream } from '../../../src/upstream/fastcgi/record.js';
import { httpRequest } from '../../helpers/http-request.js';
import { okResponse, useFakeUpstream } from './fake-fastcgi.js';

const HEAD = 'Content-Type: text/plain\r\n\r\n';
const READ_TIMEOUT = 300;

const stdout = (text: string): Buffer => Buffer.concat(encodeStream(RecordType.STDOUT, 1, Buffer.from(text)));

describe('readTimeout', () => {
  const gw = useFakeUpstream(
    ({ params, socket }) => {
      const uri = params.get('REQUEST_URI') ?? '';
      if (uri === '/hang') {
        socket.write(stdout(HEAD));
      } else if (uri === '/trickle') {
        // Eight pieces 100 ms apart: 800 ms in all, never 300 ms of silence.
        socket.write(stdout(HEAD));
        let sent = 0;
        const timer = setInterval(() => {
          if (socket.destroyed) return clearInterval(timer);
          socket.write(stdout(`${sent}`));
          if (++sent === 8) {
            clearInterval(timer);
            socket.write(Buffer.concat([...encodeStream(RecordType.STDOUT, 1, Buffer.alloc(0)), encodeEndRequest(1, 0, 0)]));
          }
        }, 100);
      } else {
        socket.write(okResponse(`${HEAD}fine`));
      }
    },
    { upstream: { readTimeout: READ_TIMEOUT, maxConnections: 1, keepAlive: { idle: 10_000 } } },
  );

  test('silence for readTimeout is a 504, neither before it nor long after', async () => {
    const sent = performance.now();
    const res = await httpRequest(gw.port, '/hang');
    const took = performance.now() - sent;
    assert.equal(res.status, 504);
    assert.equal(res.json().code, 'SY_ERR_UPSTREAM_TIMEOUT');
    assert.equal(res.json().detail, `upstream "legacy" sent nothing for ${READ_TIMEOUT} ms`);
    assert.ok(took >= READ_TIMEOUT, `timed out after ${took.toFixed(0)} ms, before readTimeout`);
    // Due one tick after readTimeout; the bound only catches a timeout that is not the configured
    // one (php-fpm's 60 s default, a doubled deadline), since a loaded machine delays timers a lot.
    assert.ok(took < READ_TIMEOUT * 10, `timed out after ${took.toFixed(0)} ms, not after readTimeout`);
  });

  test('a response that keeps arriving outlives readTimeout', async () => {
    const res = await httpRequest(gw.port, '/trickle');
    assert.equal(res.status, 200);
    assert.equal(res.text, '01234567');
  });

  test('a kept connection idle for longer than readTimeout is reused, not timed out', async () => {
    assert.equal((await httpRequest(gw.port, '/ok')).text, 'fine');
    const before = gw.fake.connections();
    await sleep(READ_TIMEOUT * 3);
    assert.equal((await httpRequest(gw.port, '/ok')).text, 'fine');
    assert.equal(gw.fake.connections(), before, 'the second request went over the kept connection');
  });
});
