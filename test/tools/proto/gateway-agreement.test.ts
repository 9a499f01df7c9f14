// Agreement with buf on a gateway-style tree (fixtures/gateway, written for this test; no
// package ships grpc-gateway's protos): an options module extending descriptor options, and an
// examples module using them, with google/api from a third module, as such repositories lay
// them out. Linted whole, one module alone (importing its siblings), narrowed with --path, and
// one file; every finding must be buf's, duplicates counted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinIncludeDir } from '../../../src/proto/include-dir.js';
import { lintBoth } from './buf-reference.js';

const FIXTURE = fileURLToPath(new URL('../../../../test/tools/proto/fixtures/gateway', import.meta.url));
const WORKSPACE = ['version: v2', 'modules:', '  - path: options', '  - path: examples', '  - path: third_party', 'lint:', '  use: [STANDARD]', '  ignore: [third_party]', ''].join('\n');

describe('agreement with buf on a gateway-style workspace', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-gateway-'));
    await symlink(join(FIXTURE, 'options'), join(dir, 'options'), 'dir');
    await symlink(join(FIXTURE, 'examples'), join(dir, 'examples'), 'dir');
    await symlink(builtinIncludeDir(), join(dir, 'third_party'), 'dir');
    await writeFile(join(dir, 'buf.yaml'), WORKSPACE);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: [string, string[], number][] = [
    ['the whole workspace', ['.'], 150],
    ['the examples module alone, importing the options module', ['examples'], 100],
    ['narrowed with --path', ['.', '--path', 'examples/shop/gateway/examplepb'], 100],
    ['one file', ['examples/shop/gateway/examplepb/echo_service.proto'], 10],
  ];
  for (const [name, args, atLeast] of cases) {
    test(name, async () => {
      const { buf, ours } = await lintBoth(dir, args);
      assert.deepEqual(ours.filter((k) => !k.startsWith('FIELD_NUMBERS_CONTIGUOUS ')), buf);
      assert.ok(buf.length >= atLeast, `buf reported ${buf.length}`);
      assert.ok(!buf.some((k) => k.startsWith('COMPILE ')));
    });
  }

  test('the tree holds the RPC shapes real gateways have', async () => {
    const { buf } = await lintBoth(dir, ['examples']);
    const count = (prefix: string, file: string): number => buf.filter((k) => k.startsWith(prefix) && k.includes(file)).length;
    // Echo, EchoBody, EchoDelete and EchoUnauthorized share one type and have it on both sides
    // (two findings each), as do Ping (Empty, also used elsewhere) and EchoPatch (one finding).
    assert.equal(count('RPC_REQUEST_RESPONSE_UNIQUE ', 'echo_service.proto'), 11);
    // get_abe(GetAbeRequest) returns (GetAbeResponse) passes once PascalCased.
    assert.ok(!buf.some((k) => /STANDARD_NAME .*a_bit_of_everything\.proto:130:/.test(k)));
    assert.ok(buf.some((k) => /RPC_PASCAL_CASE .*a_bit_of_everything\.proto:130:/.test(k)));
  });
});
