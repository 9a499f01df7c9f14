/** The `telemetry:` key and fastcgi `slowlog:`: defaults, units, and precise errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem } from '../../src/config/problems.js';

const BASE = `
upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv/app/public, status: /fpm-status, slowlog: log/slow.log }
routes:
  - any: /
    to: legacy
`;

test('telemetry defaults: metrics on, no tracing, 1s slices kept 15 minutes', () => {
  const { config } = parseConfig(BASE, { file: '/etc/switchyard/switchyard.yaml', source: '/etc/switchyard/switchyard.yaml' });
  assert.deepEqual(config.telemetry, { metrics: true, tracing: undefined, heatmap: { slice: 1000, keep: 900_000 } });
  const legacy = config.upstreams.get('legacy');
  assert.equal(legacy?.type === 'fastcgi' ? legacy.slowlog : undefined, '/etc/switchyard/log/slow.log');
});

test('telemetry settings are read with their units', () => {
  const { config } = parseConfig(`${BASE}telemetry:\n  tracing: { otlp: http://127.0.0.1:4318/v1/traces, sampleRatio: 0.25 }\n  heatmap: { slice: 5s, keep: 1h }\n`);
  assert.deepEqual(config.telemetry, { metrics: true, tracing: { otlp: 'http://127.0.0.1:4318/v1/traces', sampleRatio: 0.25, serviceName: 'switchyard' }, heatmap: { slice: 5000, keep: 3_600_000 } });
});

test('bad telemetry settings are reported with their path and line', () => {
  const problems = (yaml: string) => {
    try {
      parseConfig(yaml, { file: 'sy.yaml' });
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems.map((p) => formatProblem('sy.yaml', p)).join('\n');
    }
    return assert.fail('config was accepted');
  };
  assert.match(problems(`${BASE}telemetry:\n  tracing: { otlp: http://127.0.0.1:4318/v1/traces, sampleRatio: 2 }\n`), /telemetry\.tracing\.sampleRatio/);
  assert.match(problems(`${BASE}telemetry:\n  tracing: { sampleRatio: 0.1 }\n`), /telemetry\.tracing.*otlp/);
  assert.match(problems(`${BASE}telemetry:\n  heatmap: { slice: soon }\n`), /telemetry\.heatmap\.slice/);
});
