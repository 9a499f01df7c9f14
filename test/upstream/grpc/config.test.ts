// `type: grpc` upstreams in switchyard.yaml: defaults, the cluster keys shared with http, and the
// descriptors loaded with the config (a proto that does not compile is a load error at its key).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/problems.js';
import type { GrpcUpstreamConfig } from '../../../src/config/types.js';
import { ECHO_PROTO } from './echo-service.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-grpc-config-'));
  await mkdir(join(dir, 'protos', 'echo', 'v1'), { recursive: true });
  await writeFile(join(dir, 'protos', 'echo', 'v1', 'echo.proto'), ECHO_PROTO.replace('package echo.v1;', 'package echo.v1;\nimport "google/api/annotations.proto";\nimport "google/rpc/status.proto";'));
  await writeFile(join(dir, 'protos', 'broken.proto'), 'syntax = "proto3";\nmessage Broken { NoSuchType x = 1; }\n');
});
after(() => rm(dir, { recursive: true, force: true }));

const yaml = (proto: string, extra = '') => `
upstreams:
  orders:
    type: grpc
    endpoints: [h2c://127.0.0.1:50051, { url: 'https://10.0.0.7:443', weight: 2, zone: b }]
    proto: ${proto}
${extra}routes:
  - post: /echo.v1.Echo/{method}
    to: orders
`;

test('a grpc upstream gets the defaults of the spec and the cluster keys of http upstreams', () => {
  const { config } = parseConfig(yaml('{ reflection: true }', '    loadBalancer: { policy: least_request }\n    healthCheck: { interval: 2s }\n    timeouts: { total: 30s }\n'), { env: {} });
  const u = config.upstreams.get('orders') as GrpcUpstreamConfig;
  assert.equal(u.type, 'grpc');
  assert.deepEqual(u.endpoints.map((e) => [e.url, e.weight, e.zone]), [
    ['h2c://127.0.0.1:50051', 1, undefined],
    ['https://10.0.0.7', 2, 'b'],
  ]);
  assert.deepEqual(u.proto, { kind: 'reflection' });
  assert.equal(u.transcode, false);
  assert.deepEqual(u.json, { emitUnpopulated: true, useProtoNames: false, useEnumNumbers: false });
  assert.equal(u.unknownQueryParameters, 'ignore');
  assert.equal(u.loadBalancer.policy, 'least_request');
  assert.deepEqual(u.healthCheck, { service: '', interval: 2000, timeout: 1000, healthyThreshold: 2, unhealthyThreshold: 3 });
  assert.deepEqual(u.timeouts, { connect: 5000, idle: 60000, total: 30000 });
  assert.deepEqual(u.retry.retryOn, ['connect-failure']);
  assert.equal(u.outlierDetection.consecutive5xx, 5);
});

test('schema: an http:// endpoint, an unknown key and transcode without proto are refused', () => {
  assert.throws(() => parseConfig('upstreams:\n  g: { type: grpc, endpoints: [http://127.0.0.1:1] }\nroutes: []\n', { env: {} }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path.startsWith('upstreams.g.endpoints')));
  assert.throws(() => parseConfig('upstreams:\n  g: { type: grpc, endpoints: [h2c://127.0.0.1:1], protos: {} }\nroutes: []\n', { env: {} }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.message.includes('protos')));
  assert.throws(
    () => parseConfig('upstreams:\n  g: { type: grpc, endpoints: [h2c://127.0.0.1:1], transcode: true }\nroutes: []\n', { env: {} }),
    (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.code === 'SY_ERR_CONFIG_UPSTREAM' && p.path === 'upstreams.g.transcode'),
  );
});

test('proto files compile when the config loads, with google/api, google/rpc and their imports in the set', async () => {
  const text = yaml('{ files: [echo/v1/echo.proto], importPaths: [protos] }');
  const { config } = await loadConfig(text, { source: join(dir, 'switchyard.yaml'), env: {} });
  const u = config.upstreams.get('orders') as GrpcUpstreamConfig;
  const set = fromBinary(FileDescriptorSetSchema, u.descriptors);
  const names = set.file.map((f) => f.name);
  for (const name of ['echo/v1/echo.proto', 'google/api/annotations.proto', 'google/api/http.proto', 'google/rpc/status.proto', 'google/protobuf/any.proto', 'google/protobuf/descriptor.proto']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  assert.ok(names.indexOf('google/api/http.proto') < names.indexOf('google/api/annotations.proto'), 'dependencies first');
  // A reload with the same protos gives the same bytes.
  const again = await loadConfig(text, { source: join(dir, 'switchyard.yaml'), env: {} });
  assert.deepEqual((again.config.upstreams.get('orders') as GrpcUpstreamConfig).descriptors, u.descriptors);
  // The descriptor set written from them loads the same way.
  await writeFile(join(dir, 'echo.binpb'), u.descriptors);
  const fromSet = await loadConfig(yaml('{ descriptorSet: echo.binpb }'), { source: join(dir, 'switchyard.yaml'), env: {} });
  assert.deepEqual((fromSet.config.upstreams.get('orders') as GrpcUpstreamConfig).descriptors, u.descriptors);
});

test('a proto that does not compile is a config error at the upstream proto key, with the position', async () => {
  await assert.rejects(
    loadConfig(yaml('{ files: [broken.proto], importPaths: [protos] }'), { source: join(dir, 'switchyard.yaml'), env: {} }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const p = err.problems.find((x) => x.code === 'SY_ERR_CONFIG_GRPC_DESCRIPTORS');
      assert.ok(p, JSON.stringify(err.problems));
      assert.equal(p.path, 'upstreams.orders.proto');
      assert.match(p.message, /broken\.proto:2:\d+/);
      assert.match(p.message, /NoSuchType/);
      return true;
    },
  );
});

test('a missing proto file and a file that is no descriptor set are refused', async () => {
  await assert.rejects(loadConfig(yaml('{ files: [nope.proto], importPaths: [protos] }'), { source: join(dir, 'switchyard.yaml'), env: {} }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.path === 'upstreams.orders.proto.files[0]'));
  await writeFile(join(dir, 'garbage.binpb'), 'not a descriptor set at all');
  await assert.rejects(loadConfig(yaml('{ descriptorSet: garbage.binpb }'), { source: join(dir, 'switchyard.yaml'), env: {} }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.code === 'SY_ERR_CONFIG_GRPC_DESCRIPTORS'));
});
