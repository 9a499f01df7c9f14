// Record streams php-fpm itself never sends, so they come from a scripted fake FastCGI server
// (test/upstream/fastcgi/fake-fastcgi.ts): each malformed stream must give a 502 problem+json
// naming the upstream, and requests beside it must be unaffected.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordType, encodeEndRequest, encodeHeader, encodeStream } from '../../../src/upstream/fastcgi/record.js';
import { httpRequest } from '../../helpers/http-request.js';
import { okResponse, useFakeUpstream } from './fake-fastcgi.js';

const HEAD = 'Content-Type: text/plain\r\n\r\n';

interface Answer {
  readonly bytes: Buffer;
  /** Close the connection after writing. */
  readonly end?: boolean;
}

const fine = (): Answer => ({ bytes: okResponse(`${HEAD}fine`) });

/** What the fake answers, by the path PHP would have seen. */
const ANSWERS: Record<string, () => Answer> = {
  '/ok': fine,
  // A STDOUT record announcing 200 bytes, of which 30 arrive before the connection ends.
  '/truncated': () => ({ bytes: Buffer.concat([encodeHeader(RecordType.STDOUT, 1, 200, 0), Buffer.from(HEAD + 'x'.repeat(4))]), end: true }),
  // A record that claims 8 bytes but carries more: what follows is read as a header, version 67.
  '/lying-length': () => ({ bytes: Buffer.concat([encodeHeader(RecordType.STDOUT, 1, 8, 0), Buffer.from(HEAD + 'the rest'), encodeEndRequest(1, 0, 0)]) }),
  '/bad-version': () => {
    const header = encodeHeader(RecordType.STDOUT, 1, HEAD.length, 0);
    header[0] = 2;
    return { bytes: Buffer.concat([header, Buffer.from(HEAD)]) };
  },
  '/after-end': () => ({ bytes: Buffer.concat([okResponse(`${HEAD}done`), ...encodeStream(RecordType.STDOUT, 1, Buffer.from('late'))]) }),
  '/end-size': () => ({ bytes: Buffer.concat([...encodeStream(RecordType.STDOUT, 1, Buffer.from(HEAD)), ...encodeStream(RecordType.END_REQUEST, 1, Buffer.alloc(4))]) }),
  '/wrong-id': () => ({ bytes: Buffer.concat(encodeStream(RecordType.STDOUT, 7, Buffer.from(HEAD))) }),
  '/no-head': () => ({ bytes: encodeEndRequest(1, 0, 0) }),
  '/bad-status': () => ({ bytes: okResponse('Status: abc\r\n\r\n') }),
  '/bad-header': () => ({ bytes: okResponse('this is not a header\r\n\r\n') }),
  '/wrong-length': () => ({ bytes: okResponse('Content-Length: 3\r\n\r\ntoo long') }),
  '/wrong-length-streamed': () => ({ bytes: okResponse('Content-Length: 3\r\nX-Accel-Buffering: no\r\n\r\ntoo long') }),
  // Sends a head, then nothing more: a hung application.
  '/hang': () => ({ bytes: Buffer.concat(encodeStream(RecordType.STDOUT, 1, Buffer.from(HEAD))) }),
};

describe('malformed FastCGI streams (scripted fake server)', () => {
  const gw = useFakeUpstream(
    ({ params, socket }) => {
      const uri = params.get('REQUEST_URI') ?? '';
      const answer = (ANSWERS[uri] ?? fine)();
      if (answer.end === true) socket.end(answer.bytes);
      else socket.write(answer.bytes);
    },
    { upstream: { readTimeout: 300 } },
  );

  const cases: [path: string, code: string, detail: RegExp][] = [
    ['/truncated', 'SY_ERR_UPSTREAM_PROTOCOL', /stream ended inside a record: it declared 200 bytes/],
    ['/lying-length', 'SY_ERR_UPSTREAM_PROTOCOL', /record has version \d+, expected 1/],
    ['/bad-version', 'SY_ERR_UPSTREAM_PROTOCOL', /record has version 2, expected 1/],
    ['/after-end', 'SY_ERR_UPSTREAM_PROTOCOL', /after the request had ended/],
    ['/end-size', 'SY_ERR_UPSTREAM_PROTOCOL', /END_REQUEST body is 4 bytes, expected 8/],
    ['/wrong-id', 'SY_ERR_UPSTREAM_PROTOCOL', /request id 7, expected 1/],
    ['/no-head', 'SY_ERR_UPSTREAM_PROTOCOL', /ended the request without sending a response/],
    ['/bad-status', 'SY_ERR_FASTCGI_STATUS', /"Status: abc", which is not a valid HTTP status/],
    ['/bad-header', 'SY_ERR_UPSTREAM_PROTOCOL', /invalid header line "this is not a header"/],
  ];
  for (const [path, code, detail] of cases) {
    test(`${path}: 502 ${code}`, async () => {
      const res = await httpRequest(gw.port, path);
      assert.equal(res.status, 502);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      const problem = res.json();
      assert.equal(problem.code, code);
      assert.match(String(problem.detail), /upstream "legacy"/);
      assert.match(String(problem.detail), detail);
    });
  }

  test('a wrong Content-Length from PHP is replaced by the measured one on a buffered response', async () => {
    const res = await httpRequest(gw.port, '/wrong-length');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-length'], '8');
    assert.equal(res.text, 'too long');
  });

  test('a streamed response longer than its Content-Length is cut off, never passed on', async () => {
    await assert.rejects(httpRequest(gw.port, '/wrong-length-streamed'));
    assert.equal((await httpRequest(gw.port, '/ok')).text, 'fine');
  });

  test('an application that stops sending is cut off after readTimeout: 504', async () => {
    const res = await httpRequest(gw.port, '/hang');
    assert.equal(res.status, 504);
    const problem = res.json();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_TIMEOUT');
    assert.equal(problem.detail, 'upstream "legacy" sent nothing for 300 ms');
  });

  test('well-formed requests running beside malformed ones are unaffected', async () => {
    const paths = ['/ok', '/truncated', '/ok', '/lying-length', '/ok', '/bad-version', '/ok', '/after-end', '/ok'];
    const results = await Promise.all(paths.map((p) => httpRequest(gw.port, p)));
    results.forEach((res, i) => {
      if (paths[i] === '/ok') {
        assert.equal(res.status, 200);
        assert.equal(res.text, 'fine');
      } else {
        assert.equal(res.status, 502);
      }
    });
  });
});

describe('a kept connection that php-fpm closed while idle', () => {
  // Answers the first request of each connection, then drops the connection on the second,
  // as a recycled php-fpm child would.
  const gw = useFakeUpstream(
    ({ indexOnConnection, socket, params }) => {
      if (indexOnConnection === 0) socket.write(okResponse(`${HEAD}${params.get('REQUEST_METHOD')} ok`));
      else socket.destroy();
    },
    { upstream: { maxConnections: 1 } },
  );

  test('a GET is replayed once on a new connection and succeeds', async () => {
    assert.equal((await httpRequest(gw.port, '/a')).text, 'GET ok');
    const res = await httpRequest(gw.port, '/b');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'GET ok');
    assert.equal(gw.fake.connections(), 2);
  });

  test('a POST is never replayed: 502', async () => {
    const res = await httpRequest(gw.port, '/c', { method: 'POST', body: 'x=1' });
    assert.equal(res.status, 502);
    assert.equal(res.json().code, 'SY_ERR_UPSTREAM_RESET');
  });
});

describe('an application that answers before reading the request body', () => {
  const gw = useFakeUpstream(({ socket }) => socket.write(okResponse(`${HEAD}early`)), { fake: { answerBeforeStdin: true }, upstream: { maxConnections: 1 } });

  // Regression: the connection went back to the pool while the rest of the body was still
  // being written to it, so those STDIN records landed in the next request.
  test('the connection is not reused while the body is still on its way', async () => {
    const res = await httpRequest(gw.port, '/upload', { method: 'POST', body: Buffer.alloc(8 * 1024 * 1024, 'b') });
    assert.equal(res.text, 'early');
    const next = await httpRequest(gw.port, '/next');
    assert.equal(next.text, 'early');
    assert.equal(gw.fake.connections(), 2, 'the second request had a connection of its own');
  });
});
