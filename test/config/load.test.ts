// Loading switchyard.yaml: every problem is reported with its YAML path and line, unknown keys
// get a suggestion, ${ENV} is replaced, groups flatten into routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem } from '../../src/config/problems.js';

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, { file: 'sy.yaml', env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => formatProblem('sy.yaml', p));
  }
  assert.fail('config was accepted');
}

const BASE = `
upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv/app/public }
`;

test('a good config normalises units, defaults and groups', () => {
  const { config } = parseConfig(
    `listen: [127.0.0.1:8080, unix:/tmp/sy.sock]
timeouts: { headers: 5s, idle: 250ms }
limits: { bodySize: 10mb }
upstreams:
  legacy: { type: fastcgi, address: 127.0.0.1:9000, root: /srv/app/public, queue: { timeout: 2s } }
middleware:
  secure: { type: headers, response: { set: { X-Frame-Options: DENY } } }
routes:
  - group: { prefix: /api/v1, middleware: [secure], name: api. }
    routes:
      - get: /user/{id}
        where: { id: '\\d+' }
        to: legacy
        name: user.show
        bodyLimit: 1kb
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
    static: true
`,
    { env: {} },
  );
  assert.deepEqual(config.listen, [
    { kind: 'tcp', host: '127.0.0.1', port: 8080 },
    { kind: 'unix', path: '/tmp/sy.sock' },
  ]);
  assert.equal(config.timeouts.headers, 5000);
  assert.equal(config.timeouts.idle, 250);
  assert.equal(config.timeouts.shutdown, 30_000, 'default kept');
  const legacy = config.upstreams.get('legacy');
  assert.equal(legacy?.type, 'fastcgi');
  if (legacy?.type === 'fastcgi') {
    assert.deepEqual(legacy.scripts, ['index.php'], 'scripts default to the front controller');
    assert.equal(legacy.queue.timeout, 2000);
    assert.equal(legacy.queue.max, 512);
  }
  const [api, fallback] = config.routes;
  assert.equal(api?.path, '/api/v1/user/{id}');
  assert.equal(api?.name, 'api.user.show');
  assert.deepEqual(api?.middleware, ['secure']);
  assert.equal(api?.bodySize, 1024);
  assert.deepEqual(api?.methods, ['GET']);
  assert.equal(fallback?.methods.length, 7);
  assert.equal(fallback?.bodySize, 10 * 1024 * 1024, 'global limit applies');
  assert.equal(fallback?.static, true);
});

test('unknown keys are errors with line, column and a suggestion', () => {
  const problems = problemsOf(`lisen: 8080${BASE}
routes:
  - get: /
    to: legacy
    naem: home
`);
  assert.deepEqual(problems, [
    "sy.yaml:1:1: lisen: unknown key 'lisen' (did you mean 'listen'?)",
    "sy.yaml:8:5: routes[0].naem: unknown key 'naem' (did you mean 'name'?)",
  ]);
});

test('every problem is listed, not only the first', () => {
  const problems = problemsOf(`listen: nowhere
timeouts: { headers: soon }
limits: { bodySize: huge }
upstreams:
  legacy: { type: fastcgi, root: /srv }
routes: []
`);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0] ?? '', /^sy\.yaml:1:9: listen: must be an address/);
  assert.match(problems[1] ?? '', /^sy\.yaml:2:22: timeouts\.headers: must be a duration/);
  assert.match(problems[2] ?? '', /^sy\.yaml:3:21: limits\.bodySize: must be a size/);
  assert.match(problems[3] ?? '', /^sy\.yaml:5:11: upstreams\.legacy: missing required key 'address'/);
});

test('references to unknown upstreams and middleware are caught at load', () => {
  const problems = problemsOf(`${BASE}
routes:
  - get: /a
    to: legasy
    middleware: [auth]
`);
  assert.deepEqual(problems, [
    "sy.yaml:7:9: routes[0].to: unknown upstream 'legasy' (did you mean 'legacy'?)",
    "sy.yaml:8:18: routes[0].middleware[0]: unknown middleware 'auth'",
  ]);
});

test('a misspelt key and an unknown upstream are reported in the same run', () => {
  const problems = problemsOf(`upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv/app/public, maxConections: 4 }
routes:
  - group: { prefix: /api, middleware: [auth] }
    routes:
      - get: /a
        to: legasy
        naem: a
`);
  assert.deepEqual(problems, [
    "sy.yaml:2:80: upstreams.legacy.maxConections: unknown key 'maxConections' (did you mean 'maxConnections'?)",
    "sy.yaml:4:41: routes[0].group.middleware[0]: unknown middleware 'auth'",
    "sy.yaml:7:13: routes[0].routes[0].to: unknown upstream 'legasy' (did you mean 'legacy'?)",
    "sy.yaml:8:9: routes[0].routes[0].naem: unknown key 'naem' (did you mean 'name'?)",
  ]);
});

test('names are checked even where the schema finds the shape wrong', () => {
  // The upstream's type is misspelt, so it matches no upstream schema: it is still defined, and
  // the route naming it is fine; the route naming a missing one is not.
  const problems = problemsOf(`upstreams:
  legacy: { type: fcgi, address: unix:/run/php.sock, root: /srv }
routes:
  - get: /a
    to: legacy
  - get: /b
    to: ghost
    middleware: 7
`);
  assert.ok(problems.some((p) => p.startsWith('sy.yaml:2:')), problems.join('\n'));
  assert.ok(problems.includes("sy.yaml:7:9: routes[1].to: unknown upstream 'ghost'"), problems.join('\n'));
  assert.ok(!problems.some((p) => p.includes("'legacy'")), problems.join('\n'));
});

test('${ENV} is replaced, defaults apply, and unset names are reported', () => {
  const yaml = `listen: \${HOST:-127.0.0.1}:\${PORT}
admin:
  listen: 127.0.0.1:9901
  token: \${TOKEN}
${BASE}
routes: []
`;
  const { config } = parseConfig(yaml, { env: { PORT: '8181', TOKEN: 's3cret' } });
  assert.deepEqual(config.listen, [{ kind: 'tcp', host: '127.0.0.1', port: 8181 }]);
  assert.equal(config.admin?.token, 's3cret');
  const problems = problemsOf(yaml, { PORT: '8181' });
  assert.deepEqual(problems, ['sy.yaml:4:10: admin.token: environment variable TOKEN is not set (use ${TOKEN:-default} for a default)']);
});

test('YAML syntax errors point at the line', () => {
  const problems = problemsOf('routes:\n  - get: /a\n   to: x\n');
  assert.equal(problems.length >= 1, true);
  assert.match(problems[0] ?? '', /^sy\.yaml:3:\d+: /);
});

test('PHP_VALUE can never be injected through upstream params', () => {
  const problems = problemsOf(`upstreams:
  legacy: { type: fastcgi, address: unix:/run/php.sock, root: /srv, params: { PHP_VALUE: 'auto_prepend_file=/tmp/x' } }
routes: []
`);
  assert.match(problems[0] ?? '', /upstreams\.legacy\.params\.PHP_VALUE: PHP_VALUE cannot be set/);
});

test("a group's where applies only to the routes that have the parameter", () => {
  const { config } = parseConfig(`${BASE}
routes:
  - group: { prefix: /users, where: { id: '\\d+' } }
    routes:
      - get: /
        to: legacy
      - get: /{id}
        to: legacy
      - get: /{id}/posts/{post}
        where: { post: '[a-z-]+' }
        to: legacy
`);
  assert.deepEqual(
    config.routes.map((r) => r.where),
    [{}, { id: '\\d+' }, { id: '\\d+', post: '[a-z-]+' }],
  );
});
