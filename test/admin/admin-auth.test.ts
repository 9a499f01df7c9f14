// Every admin endpoint but the open ones refuses a request without the admin token, on the
// single-process admin listener (the table is built from the endpoint registry): once with
// `admin.token` (both scopes), once with `admin.tokens` (a read token that cannot POST).
import { after, before, describe } from 'node:test';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { adminAuthTable, type AdminTokens } from '../helpers/admin-auth.js';

const cases: readonly { what: string; admin: string; tokens: AdminTokens }[] = [
  { what: 'admin.token', admin: 'token: ${ADMIN_TOKEN}', tokens: 'admin-secret-7' },
  { what: 'admin.tokens', admin: 'tokens: { read: "${ADMIN_READ}", write: "${ADMIN_TOKEN}" }', tokens: { read: 'reader-secret-3', write: 'admin-secret-7' } },
];

for (const c of cases) {
  describe(c.what, () => {
    let gw: TestGateway;
    let admin: string;
    before(async () => {
      gw = await startTestGateway(
        `listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
  ${c.admin}
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
routes:
  - get: /a
    to: svc
`,
        { env: typeof c.tokens === 'string' ? { ADMIN_TOKEN: c.tokens } : { ADMIN_TOKEN: c.tokens.write, ADMIN_READ: c.tokens.read } },
      );
      admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
    });
    after(async () => {
      await gw.stop();
    });
    adminAuthTable(() => admin, c.tokens);
  });
}
