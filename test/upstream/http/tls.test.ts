/**
 * https:// endpoints: the certificate is checked against `tls.ca`, the name sent as SNI and
 * checked is `tls.serverName` or the endpoint's own host, never the client's Host (so one
 * connection serves every Host), health checks go over the same TLS, and each way it can fail
 * is a 502 naming the upstream or a config error naming the key. The service is node's https
 * server with test certificates (test/fixtures/tls).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { runCliCaptured } from '../../helpers/run-cli.js';
import { until } from '../../helpers/until.js';
import type { UpstreamView } from '../../../src/cluster/upstream-view.js';

const TLS = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/tls');

describe('http upstream over TLS', () => {
  let service: Server;
  let base: string;
  let gw: TestGateway;
  const sni: (string | false | null)[] = [];

  before(async () => {
    service = createServer({ key: await readFile(join(TLS, 'server.key')), cert: await readFile(join(TLS, 'server.pem')) }, (req, res) => {
      res.end(JSON.stringify({ url: req.url, host: req.headers.host, sni: (req.socket as TLSSocket).servername }));
    });
    service.on('secureConnection', (socket: TLSSocket) => sni.push(socket.servername));
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(service.address() as AddressInfo).port}`;
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  trusted:
    type: http
    endpoints: [${base}]
    tls: { ca: ${join(TLS, 'ca.pem')}, serverName: users.internal }
  by-ip:
    type: http
    endpoints: [${base}]
    tls: { ca: ${join(TLS, 'ca.pem')} }
    healthCheck: { path: /health, interval: 200ms }
  untrusted: { type: http, endpoints: [${base}], retry: { attempts: 1 } }
  wrong-name:
    type: http
    endpoints: [${base}]
    tls: { ca: ${join(TLS, 'ca.pem')}, serverName: billing.internal }
    retry: { attempts: 1 }
  unchecked:
    type: http
    endpoints: [${base}]
    tls: { verify: false }
routes:
  - get: /trusted
    to: trusted
  - get: /by-ip
    to: by-ip
  - get: /untrusted
    to: untrusted
  - get: /wrong-name
    to: wrong-name
  - get: /unchecked
    to: unchecked
`);
  });
  after(async () => {
    await gw.stop();
    service.closeAllConnections();
    await new Promise((r) => service.close(r));
  });

  it('checks the certificate against tls.ca and sends tls.serverName as SNI, whatever the client’s Host', async () => {
    const before = sni.length;
    for (const host of ['a.example', 'b.example', 'a.example']) {
      const res = await httpRequest(gw.port, '/trusted', { headers: { host } });
      assert.equal(res.status, 200);
      const body = res.json<{ host: string; sni: string }>();
      assert.equal(body.host, host);
      assert.equal(body.sni, 'users.internal');
    }
    assert.equal(sni.slice(before).filter((n) => n === 'users.internal').length, 1, 'one TLS connection served all three Hosts');
  });

  it('checks an IP endpoint against the address in its certificate, without SNI', async () => {
    const res = await httpRequest(gw.port, '/by-ip');
    assert.equal(res.status, 200);
    assert.equal(res.json<{ sni: string | boolean }>().sni, false);
  });

  it('health checks go over the same TLS', async () => {
    const views = async () => (await (await fetch(`${gw.running.adminUrl}/admin/upstreams`)).json()) as { upstreams: UpstreamView[] };
    let probe: string | undefined;
    await until(async () => (probe = (await views()).upstreams.find((u) => u.name === 'by-ip')?.endpoints[0]?.lastProbe) !== undefined, 2_500);
    assert.equal(probe, '200', 'the probe got an answer, not a TLS error');
  });

  it('an untrusted certificate or a name it does not carry is a 502 naming the upstream', async () => {
    const untrusted = await httpRequest(gw.port, '/untrusted');
    assert.equal(untrusted.status, 502);
    assert.equal(untrusted.json<{ code: string }>().code, 'SY_ERR_UPSTREAM_TLS');
    assert.match(untrusted.json<{ detail: string }>().detail, /upstream untrusted .*unable to verify the first certificate/);
    const wrongName = await httpRequest(gw.port, '/wrong-name');
    assert.equal(wrongName.status, 502);
    assert.equal(wrongName.json<{ code: string }>().code, 'SY_ERR_UPSTREAM_TLS');
    assert.match(wrongName.json<{ detail: string }>().detail, /upstream wrong-name .*billing\.internal.*ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('verify: false accepts any certificate', async () => {
    assert.equal((await httpRequest(gw.port, '/unchecked')).status, 200);
  });

  it('a CA file that cannot be read, or tls without an https endpoint, is a config error naming the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-tls-'));
    await writeFile(
      join(dir, 'switchyard.yaml'),
      `listen: 127.0.0.1:0\nupstreams:\n  a: { type: http, endpoints: ['${base}'], tls: { ca: missing.pem } }\n  b: { type: http, endpoints: ['http://127.0.0.1:1'], tls: { verify: false } }\n  c: { type: http, endpoints: ['${base}'], tls: { ca: ${join(TLS, 'server.key')} } }\nroutes:\n  - get: /\n    to: a\n`,
    );
    const result = await runCliCaptured(['validate', '-c', join(dir, 'switchyard.yaml')]);
    await rm(dir, { recursive: true, force: true });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /upstreams\.a\.tls\.ca.*cannot read .*sy-tls-.*missing\.pem: ENOENT/, 'relative to the config file');
    assert.match(result.stderr, /upstreams\.b\.tls.*no endpoint is https/);
    assert.match(result.stderr, /upstreams\.c\.tls\.ca.*server\.key holds no PEM certificate/);
  });
});
