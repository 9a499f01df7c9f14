// examples/php/lib/ErrorChain.php on its own, run by the php CLI: the same refusals as the
// gateway's decoder (bad base64, 100 KB, 1,000 deep, not an array, a link that is not a problem),
// chained exceptions built innermost last, and a response's header lines read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const LIB = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/php/lib/ErrorChain.php');
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

/** Runs `code` after requiring the library, with `input` as $argv[1]; returns what it printed, parsed. */
async function php(code: string, input: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)('php', ['-d', 'display_errors=stderr', '-r', `require ${JSON.stringify(LIB)}; ${code}`, '--', input], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as unknown;
}

describe('examples/php ErrorChain library', () => {
  const refused: [string, string][] = [
    ['bad base64', '%%%'],
    ['100 KB', 'A'.repeat(100 * 1024)],
    ['1,000 deep', b64('['.repeat(1000) + ']'.repeat(1000))],
    ['not an array', b64({ detail: 'x' })],
    ['a link that is a list', b64([['x']])],
    ['a status that is text', b64([{ detail: 'x', status: '500' }])],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name}`, async () => {
      assert.equal(await php('echo json_encode(ErrorChain::decode($argv[1]));', value), null);
    });
  }

  it('builds chained exceptions, each cause the previous of the one before, members kept', async () => {
    const links = [
      { source: 'gateway', code: 'SY_ERR_UPSTREAM_ERROR', status: 503, detail: 'upstream answered 503' },
      { source: 'grpc', code: 'UNAVAILABLE', detail: 'backend down', details: [{ reason: 'x' }] },
    ];
    const seen = await php(
      '$out = []; for ($e = ErrorChain::fromHeader($argv[1]); $e !== null; $e = $e->getPrevious()) { $out[] = [get_class($e), $e->getMessage(), $e->link()]; } echo json_encode($out);',
      b64(links),
    );
    assert.deepEqual(seen, [
      ['ChainedError', 'upstream answered 503', links[0]],
      ['ChainedError', 'backend down', links[1]],
    ]);
  });

  it('emits an exception and its causes, a received chain kept as it came', async () => {
    const received = [{ source: 'go', code: 'sql.ErrNoRows', detail: 'no rows', line: 88 }];
    const links = await php(
      '$e = new LogicException("cannot show order", 7, ErrorChain::fromHeader($argv[1])); echo json_encode(ErrorChain::decode(ErrorChain::toHeader($e, 500)));',
      b64(received),
    );
    assert.deepEqual(links, [
      { source: 'php', type: 'urn:php:exception:LogicException', title: 'LogicException', status: 500, detail: 'cannot show order', exception: 'LogicException', file: 'Command line code', line: 1, code: '7' },
      ...received,
    ]);
  });

  it("reads a called service's header lines", async () => {
    const lines = ['HTTP/1.1 500 Internal Server Error', 'Content-Type: text/plain', `x-error-chain: ${b64([{ source: 'svc', detail: 'down' }])}`];
    assert.deepEqual(await php('echo json_encode(ErrorChain::fromResponseHeaders(json_decode($argv[1], true))?->link());', JSON.stringify(lines)), { source: 'svc', detail: 'down' });
  });
});
