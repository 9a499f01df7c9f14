// A route's openapi: that cannot be used fails `switchyard validate` (and so serve and reload) at
// load, one line per problem with its YAML path: a missing file, a document that is not OpenAPI,
// an unknown operationId, a schema that does not compile, a path parameter the route lacks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/run-cli.js';
import { SPEC_31 } from './users-api.js';

describe('openapi: load errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sy-contract-load-'));
    await writeFile(join(dir, 'users.yaml'), SPEC_31);
    await writeFile(join(dir, 'swagger.yaml'), 'swagger: "2.0"\npaths: {}\n');
    await writeFile(join(dir, 'broken.yaml'), SPEC_31.replace('minLength: 1', 'minLength: lots'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function validate(route: string): Promise<{ code: number; stderr: string }> {
    const file = join(dir, 'switchyard.yaml');
    await writeFile(file, `listen: 127.0.0.1:0\nupstreams:\n  svc: { type: http, endpoints: ['http://127.0.0.1:1'] }\nroutes:\n${route}`);
    return runCliCaptured(['validate', '-c', file], { cwd: dir });
  }

  const cases: [string, string, RegExp][] = [
    ['a missing file', "  - get: /users/{id}\n    to: svc\n    openapi: { spec: nope.yaml, operation: getUser }\n", /routes\[0\]\.openapi\.spec: cannot read .*nope\.yaml \(ENOENT\)/],
    ['a Swagger 2 document', "  - get: /users/{id}\n    to: svc\n    openapi: { spec: swagger.yaml, operation: getUser }\n", /routes\[0\]\.openapi\.spec: .*not an OpenAPI 3\.0 or 3\.1 document/],
    ['an unknown operationId', "  - get: /users/{id}\n    to: svc\n    openapi: { spec: users.yaml, operation: getuser }\n", /routes\[0\]\.openapi\.operation: .*no operation with operationId 'getuser' \(did you mean 'getUser'\?\)/],
    ['a schema that does not compile', "  - put: /users/{id}\n    to: svc\n    openapi: { spec: broken.yaml, operation: putUser }\n", /routes\[0\]\.openapi\.spec: .*the schema of the request of putUser does not compile/],
    ['a path parameter the route does not capture', "  - get: /users/{uid}\n    to: svc\n    openapi: { spec: users.yaml, operation: getUser }\n", /routes\[0\]\.openapi\.operation: getUser has path parameter 'id', which the route's path does not capture \(it has \{uid\}\)/],
  ];
  for (const [name, route, expected] of cases) {
    it(`refuses ${name}`, async () => {
      const result = await validate(route);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, expected);
      // Positioned at the key in the config file, as every config problem is.
      assert.match(result.stderr, /switchyard\.yaml:7:\d+: routes\[0\]\.openapi\./);
    });
  }

  it('accepts a route whose operation compiles', async () => {
    const result = await validate("  - get: /users/{id}\n    to: svc\n    openapi: { spec: users.yaml, operation: getUser }\n");
    assert.equal(result.code, 0, result.stderr);
  });
});
