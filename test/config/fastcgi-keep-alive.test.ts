// `keepAlive` of a fastcgi upstream: kept connections by default, each closed after `idle`
// without a request, so an idle gateway does not pin the php-fpm children others share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/problems.js';
import type { FastcgiUpstreamConfig } from '../../src/config/types.js';

function keepAliveOf(value: string | undefined): FastcgiUpstreamConfig['keepAlive'] {
  const extra = value === undefined ? '' : `, keepAlive: ${value}`;
  const { config } = parseConfig(`upstreams:\n  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv/app${extra} }\nroutes:\n  - any: /{path?}\n    where: { path: '.*' }\n    to: legacy\n`, { file: 'sy.yaml', env: {} });
  return (config.upstreams.get('legacy') as FastcgiUpstreamConfig).keepAlive;
}

test('by default a kept connection is closed after one idle second', () => {
  assert.deepEqual(keepAliveOf(undefined), { idle: 1_000 });
  assert.deepEqual(keepAliveOf('true'), { idle: 1_000 });
});

test('keepAlive: { idle } takes a duration; false keeps none', () => {
  assert.deepEqual(keepAliveOf('{ idle: 250ms }'), { idle: 250 });
  assert.deepEqual(keepAliveOf('{ idle: 2s }'), { idle: 2_000 });
  assert.equal(keepAliveOf('false'), false);
});

test('a keepAlive that is neither a boolean nor { idle } is a config problem', () => {
  for (const bad of ['{ idel: 1s }', '"1s"', '{ idle: soon }']) {
    assert.throws(() => keepAliveOf(bad), (err) => err instanceof ConfigError, bad);
  }
});
