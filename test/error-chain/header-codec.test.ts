// X-Error-Chain decoding as a hostile header: every malformed shape refused with a reason, the
// caps applied before decoding, and any members a hop adds carried through encode/decode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HEADER_LENGTH, decodeChain, encodeChain, nestingDepth } from '../../src/error-chain/header-codec.js';
import { phpCause } from '../../src/error-chain/php-stderr.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('x-error-chain codec', () => {
  it('round-trips links with any members (gRPC details, file and line)', () => {
    const links = [
      { source: 'grpc', code: 'NOT_FOUND', status: 404, detail: 'user 7', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'GONE', metadata: { a: '1' } }] },
      { source: 'php', detail: 'boom', file: '/app/x.php', line: 3 },
    ];
    assert.deepEqual(decodeChain(encodeChain(links)), { links });
  });

  const malformed: [string, string, RegExp][] = [
    ['bad base64', '%%%not-base64%%%', /not base64/],
    ['100 KB', 'A'.repeat(100 * 1024), /over the limit/],
    ['1,000 deep', b64('['.repeat(1000) + ']'.repeat(1000)), /nested over/],
    ['not JSON', b64('[{"detail": '), /not JSON/],
    ['not an array', b64('{"detail":"x"}'), /not a JSON array/],
    ['a link that is not an object', b64('["x"]'), /link 0 is not an object/],
    ['a status that is not one', b64('[{"detail":"x","status":"500"}]'), /status/],
    ['a detail that is not text', b64('[{"detail":{"a":1}}]'), /detail is not a string/],
    ['too many links', b64(JSON.stringify(Array.from({ length: 100 }, () => ({ detail: 'x' })))), /100 links/],
  ];
  for (const [name, value, reason] of malformed) {
    it(`refuses ${name}`, () => {
      const decoded = decodeChain(value);
      assert.ok('malformed' in decoded, `${name} was accepted`);
      assert.match(decoded.malformed, reason);
    });
  }

  it('caps the size before decoding and measures depth outside strings', () => {
    assert.ok('malformed' in decodeChain('A'.repeat(MAX_HEADER_LENGTH + 4)));
    assert.equal(nestingDepth('[{"detail":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]'), 2);
    assert.equal(nestingDepth('[{"a":"\\"[[["}]'), 2);
  });

  it('reads a PHP uncaught exception with file, line and stack from FastCGI stderr', () => {
    const stderr = [
      'PHP message: PHP Warning:  Undefined variable $x in /app/w.php on line 2',
      'PHP message: PHP Fatal error:  Uncaught RuntimeException: db down in /app/lib/db.php:14',
      'Stack trace:',
      '#0 /app/index.php(5): connect()',
      '#1 {main}',
      'thrown in /app/lib/db.php on line 14',
    ].join('\n');
    assert.deepEqual(phpCause(stderr), {
      source: 'php',
      title: 'PHP Fatal error',
      status: 500,
      exception: 'RuntimeException',
      file: '/app/lib/db.php',
      line: 14,
      stack: ['#0 /app/index.php(5): connect()', '#1 {main}'],
      level: 'Fatal error',
      detail: 'Fatal error: Uncaught RuntimeException: db down',
    });
  });

  it('reads a plain PHP error with its location', () => {
    const link = phpCause('PHP message: PHP Fatal error:  Allowed memory size of 2097152 bytes exhausted in /app/big.php on line 3');
    assert.equal(link.detail, 'Fatal error: Allowed memory size of 2097152 bytes exhausted');
    assert.equal(link['file'], '/app/big.php');
    assert.equal(link['line'], 3);
  });
});
