// The shared proto loader: modules compile with google/api available, positions survive, images
// load, and every kind of bad input becomes one positioned line instead of a stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { getExtension, hasExtension } from '@bufbuild/protobuf';
import { MethodOptionsSchema } from '@bufbuild/protobuf/wkt';
import { loadProtoInput, type ProtoImage } from '../../src/proto/load.js';
import { isProtoCompileError } from '../../src/proto/compile-error.js';
import { bufBinary } from '../../src/proto/buf-binary.js';
import { isSwitchyardError } from '../../src/errors.js';
import { protoTree, proto3, type ProtoTree } from '../tools/proto/proto-tree.js';
import { bufWorkspace } from '../tools/proto/buf-reference.js';

const ORDERS = proto3(
  'acme.orders.v1',
  `service OrderService {
  rpc GetOrder(GetOrderRequest) returns (GetOrderResponse) {
    option (google.api.http) = {get: "/v1/orders/{order_id}"};
  }
}
message GetOrderRequest { string order_id = 1; }
message GetOrderResponse { google.protobuf.Timestamp created_at = 1; }`,
  ['google/api/annotations.proto', 'google/protobuf/timestamp.proto'],
);

describe('proto loader', () => {
  let tree: ProtoTree;
  // Compiled once: the tests below only read it.
  let image: ProtoImage;
  before(async () => {
    tree = await protoTree({ 'acme/orders/v1/orders.proto': ORDERS });
    image = await loadProtoInput('.', { cwd: tree.dir });
  });
  after(() => tree.remove());

  test('compiles a module importing google/api and well-known types without vendoring them', async () => {
    assert.deepEqual(image.targets.map((f) => f.name), ['acme/orders/v1/orders.proto']);
    const names = image.files.map((f) => f.name);
    for (const dep of ['google/api/annotations.proto', 'google/api/http.proto', 'google/protobuf/timestamp.proto']) {
      assert.ok(names.includes(dep), `${dep} is in the image`);
      assert.equal(image.files.find((f) => f.name === dep)?.info.isImport, true, `${dep} is an import`);
    }
  });

  test('the registry decodes the google.api.http option with the public extension number', async () => {
    const registry = image.registry();
    const method = registry.getService('acme.orders.v1.OrderService')?.methods[0];
    const http = registry.getExtension('google.api.http');
    assert.ok(method !== undefined && http !== undefined);
    assert.equal(http.number, 72295728);
    const options = method.proto.options;
    assert.ok(options !== undefined && hasExtension(options, http));
    assert.equal(http.extendee.typeName, MethodOptionsSchema.typeName);
    const rule = getExtension(options, http) as { pattern: { case: string; value: string } };
    assert.deepEqual(rule.pattern, { case: 'get', value: '/v1/orders/{order_id}' });
  });

  test('keeps 1-based source positions for elements', async () => {
    const file = image.targets[0];
    assert.ok(file !== undefined);
    // message_type[0] (GetOrderRequest) field[0] name: line 13, column 34 of the file above.
    const loc = file.source.get([4, 0, 2, 0, 1]);
    assert.deepEqual([loc?.startLine, loc?.startColumn], [13, 34]);
    assert.equal(file.displayPath, 'acme/orders/v1/orders.proto');
  });

  test('a vendored google/api wins over the built-in copy', async () => {
    const vendored = await protoTree({
      'google/api/http.proto': 'syntax = "proto3";\npackage google.api;\nmessage HttpRule { string get = 2; }\n',
      'google/api/annotations.proto':
        'syntax = "proto3";\npackage google.api;\nimport "google/api/http.proto";\nimport "google/protobuf/descriptor.proto";\nextend google.protobuf.MethodOptions { HttpRule http = 72295728; }\n',
      'acme/orders/v1/orders.proto': ORDERS.replace('{get: "/v1/orders/{order_id}"}', '{get: "/v1"}'),
    });
    try {
      const image = await loadProtoInput('.', { cwd: vendored.dir });
      const http = image.registry().getMessage('google.api.HttpRule');
      assert.deepEqual(http?.fields.map((f) => f.name), ['get']);
      assert.equal(image.targets.length, 3);
    } finally {
      await vendored.remove();
    }
  });

  test('reads a descriptor set built with imports and source info', async () => {
    // Built by buf itself (a workspace with the google/api include), as a team's CI would.
    const out = join(tree.dir, 'image.binpb');
    const ws = await bufWorkspace({ module: tree.dir });
    try {
      execFileSync(bufBinary(), ['build', 'module', '--as-file-descriptor-set', '-o', out], { cwd: ws.dir });
    } finally {
      await ws.close();
    }
    const image = await loadProtoInput('image.binpb', { cwd: tree.dir });
    const file = image.files.find((f) => f.name === 'acme/orders/v1/orders.proto');
    assert.ok(file !== undefined);
    assert.equal(file.displayPath, 'acme/orders/v1/orders.proto');
    assert.equal(file.source.get([4, 0, 2, 0, 1])?.startLine, 13);
  });
});

describe('proto loader: bad input is one positioned line each', () => {
  const cases: { name: string; files: Record<string, string>; expect: RegExp }[] = [
    { name: 'a file that does not parse', files: { 'a/v1/a.proto': 'syntax = "proto3";\npackage a.v1;\nmessage A { int32 x = 1 }\n' }, expect: /^a\/v1\/a\.proto:3:25: / },
    { name: 'a missing import', files: { 'a/v1/a.proto': proto3('a.v1', 'message A {}', ['nowhere/b.proto']) }, expect: /^a\/v1\/a\.proto:5:1: .*(not exist|not found)/ },
    {
      name: 'an import cycle',
      files: { 'a/v1/a.proto': proto3('a.v1', 'message A {}', ['a/v1/b.proto']), 'a/v1/b.proto': proto3('a.v1', 'message B {}', ['a/v1/a.proto']) },
      expect: /^a\/v1\/[ab]\.proto:5:1: .*cycl/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const tree = await protoTree(c.files);
      try {
        await assert.rejects(loadProtoInput('.', { cwd: tree.dir }), (err: unknown) => {
          assert.ok(isProtoCompileError(err));
          assert.equal(err.code, 'SY_ERR_PROTO_COMPILE');
          assert.match(err.message, c.expect);
          assert.ok(!err.message.includes('\n'), 'one line');
          return true;
        });
      } finally {
        await tree.remove();
      }
    });
  }

  test('a directory with no protos', async () => {
    const tree = await protoTree({ 'README.md': 'nothing here' });
    try {
      await assert.rejects(loadProtoInput('.', { cwd: tree.dir }), (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_PROTO_NO_FILES');
    } finally {
      await tree.remove();
    }
  });

  test('a file that is not a descriptor set', async () => {
    const tree = await protoTree({ 'x.binpb': 'this is not protobuf at all \u0000\u0001\u00ff' });
    try {
      await assert.rejects(loadProtoInput('x.binpb', { cwd: tree.dir }), (err: unknown) => isSwitchyardError(err) && err.code === 'SY_ERR_PROTO_IMAGE');
    } finally {
      await tree.remove();
    }
  });
});
