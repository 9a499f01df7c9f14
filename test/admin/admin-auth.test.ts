// Every admin endpoint but the open ones refuses a request without the admin token, on the
// single-process admin listener (the table is built from the endpoint registry).
import { after, before } from 'node:test';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { adminAuthTable } from '../helpers/admin-auth.js';

const TOKEN = 'admin-secret-7';
let gw: TestGateway;
let admin: string;

before(async () => {
  gw = await startTestGateway(
    `listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
  token: \${ADMIN_TOKEN}
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:9] }
routes:
  - get: /a
    to: svc
`,
    { env: { ADMIN_TOKEN: TOKEN } },
  );
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  await gw.stop();
});

adminAuthTable(() => admin, TOKEN);
