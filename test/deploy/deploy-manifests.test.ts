/**
 * deploy/ checked against the product it deploys: every Kubernetes manifest parses and wires up
 * (probes on the admin port, the ConfigMap's switchyard.yaml passes `switchyard validate`, Redis
 * where state.store points), the systemd unit reloads with SIGHUP under a dedicated user and its
 * hardening, the Prometheus config passes `promtool check config`, and every metric the Grafana
 * dashboard queries is in the live /metrics of a gateway serving PHP through a real php-fpm, an
 * http upstream and a route under a canary split (the dashboard's PromQL also passes promtool).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));

type Doc = Record<string, any>; // manifests are free-form: read like the YAML they are

async function manifests(): Promise<Doc[]> {
  const dir = join(DEPLOY, 'kubernetes');
  const docs: Doc[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(dir, name), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${name} parses`);
      docs.push(doc.toJS() as Doc);
    }
  }
  return docs;
}

function find(docs: Doc[], kind: string, name: string): Doc {
  const doc = docs.find((d) => d['kind'] === kind && d['metadata']?.name === name);
  assert.ok(doc, `${kind}/${name} is in deploy/kubernetes`);
  return doc;
}

/** systemd unit files are INI with repeatable keys: section -> key -> values. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) sections.set(section[1] as string, (current = new Map()));
    else {
      const eq = line.indexOf('=');
      assert.ok(current !== undefined && eq > 0, `unit line ${JSON.stringify(line)} is key=value inside a section`);
      const key = line.slice(0, eq);
      current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
    }
  }
  return sections;
}

/** The dashboard's PromQL with Grafana's variables given values Prometheus accepts. */
async function dashboardQueries(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(join(DEPLOY, 'grafana/switchyard-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*')));
}

/** Metric names a PromQL expression reads: identifiers before `{`, `[` or `)` that are not functions or labels. */
function metricNames(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=\{|\[)/g)].map((m) => m[1] as string))];
}

describe('deploy/', () => {
  it('Kubernetes: probes on the admin port, the ConfigMap validates, state in the Redis Service, a PDB over the pods', async () => {
    const docs = await manifests();
    const deployment = find(docs, 'Deployment', 'switchyard');
    const pod = deployment['spec'].template;
    const container = pod.spec.containers[0];
    const admin = container.ports.find((p: Doc) => p['name'] === 'admin');
    assert.equal(container.readinessProbe.httpGet.path, '/ready');
    assert.equal(container.readinessProbe.httpGet.port, 'admin');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.livenessProbe.httpGet.port, 'admin');

    const configMap = find(docs, 'ConfigMap', 'switchyard-config');
    const mount = container.volumeMounts.find((m: Doc) => m['name'] === 'config');
    assert.equal(pod.spec.volumes.find((v: Doc) => v['name'] === 'config').configMap.name, 'switchyard-config');
    assert.ok(container.args.includes(`${mount.mountPath}/switchyard.yaml`), 'serve reads the mounted ConfigMap');
    const dir = await mkdtemp(join(tmpdir(), 'sy-deploy-'));
    try {
      const yaml = configMap['data']['switchyard.yaml'] as string;
      await writeFile(join(dir, 'switchyard.yaml'), yaml);
      const validated = await runCliCaptured(['validate', '-c', 'switchyard.yaml'], { cwd: dir, env: { SWITCHYARD_ADMIN_TOKEN: 'write', SWITCHYARD_ADMIN_READ_TOKEN: 'read' } });
      assert.equal(validated.code, 0, validated.stderr);
      const config = parseAllDocuments(yaml)[0]?.toJS() as Doc;
      assert.equal(config['admin'].listen.split(':').at(-1), String(admin.containerPort), 'the probes reach the admin listener');
      assert.equal(config['listen'].split(':').at(-1), String(container.ports.find((p: Doc) => p['name'] === 'http').containerPort));
      // Every ${VAR} the config names comes from the Secret.
      for (const [, name] of yaml.matchAll(/\$\{(\w+)\}/g)) {
        const secretRef = container.env.find((e: Doc) => e['name'] === name)?.valueFrom.secretKeyRef;
        assert.ok(secretRef !== undefined && find(docs, 'Secret', secretRef.name)['stringData'][secretRef.key], `${name} is set from the Secret`);
      }
      const redisHost = new URL(config['state'].store as string).hostname;
      const redis = find(docs, 'Service', redisHost);
      assert.ok(find(docs, 'StatefulSet', redisHost)['spec'].template.spec.containers[0].image.startsWith('redis:'));
      assert.equal(redis['spec'].ports[0].port, 6379);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const labels = pod.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    assert.ok(matches(find(docs, 'PodDisruptionBudget', 'switchyard')['spec'].selector.matchLabels));
    assert.ok(matches(find(docs, 'Service', 'switchyard')['spec'].selector));
    assert.equal(find(docs, 'Service', 'switchyard-admin')['spec'].clusterIP, 'None', 'headless: Prometheus finds each pod');
  });

  it('systemd: SIGHUP on reload, a dedicated user, hardening, low ports without root, a writable state dir', async () => {
    const unit = parseUnit(await readFile(join(DEPLOY, 'systemd/switchyard.service'), 'utf8'));
    const service = unit.get('Service');
    assert.ok(service !== undefined && unit.has('Unit') && unit.has('Install'));
    const one = (key: string) => service.get(key)?.at(-1);
    assert.match(one('ExecStart') ?? '', /\bswitchyard serve -c \S+switchyard\.yaml$/);
    assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
    assert.equal(one('User'), 'switchyard');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ProtectHome'), 'yes');
    assert.equal(one('PrivateTmp'), 'yes');
    assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE');
    assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
    assert.equal(one('ReadWritePaths'), `/var/lib/${one('StateDirectory')}`);
  });

  it('Prometheus: the scrape config passes promtool check config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-prom-'));
    try {
      await copyFile(join(DEPLOY, 'prometheus/prometheus.yml'), join(dir, 'prometheus.yml'));
      await writeFile(join(dir, 'switchyard-admin-token'), 'token\n'); // promtool checks the credentials file exists
      const { stdout } = await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      assert.match(stdout, /SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Grafana: every dashboard query is valid PromQL (promtool check rules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-prom-'));
    try {
      const queries = await dashboardQueries();
      const rules = { groups: [{ name: 'dashboard', rules: queries.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
      await writeFile(join(dir, 'rules.json'), JSON.stringify(rules)); // YAML is a superset of JSON
      const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'rules.json')]);
      assert.match(stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('Grafana: the metrics the dashboard queries, in a live /metrics', () => {
    let root: string;
    let fpm: PhpFpm;
    let service: Server;
    let gw: TestGateway;

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'sy-deploy-php-'));
      await writeFile(join(root, 'index.php'), `<?php echo 'legacy';`);
      fpm = await startPhpFpm({ root, children: 2, statusPath: '/fpm-status' });
      service = createServer((req, res) => {
        if (req.url === '/fail') res.statusCode = 503;
        res.end(req.url === '/fail' ? 'down' : 'users');
      });
      await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
      gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  legacy: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, scripts: [index.php], status: /fpm-status, maxConnections: 2 }
  users: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}], healthCheck: { path: /healthz, interval: 1s }, outlierDetection: { consecutive5xx: 100 } }
routes:
  - get: /fail
    to: users
  - get: /users/{id}
    to: users
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
    split: { canary: users, weight: 50 }
`);
    });

    after(async () => {
      await gw?.stop();
      await new Promise((resolve) => service?.close(resolve));
      await fpm?.stop();
      await rm(root, { recursive: true, force: true });
    });

    it('finds every metric name of every panel', async () => {
      const port = gw.port;
      const admin = (gw.running.admin?.address() as AddressInfo).port;
      for (let i = 0; i < 20; i++) await httpRequest(port, '/index.php');
      assert.equal((await httpRequest(port, '/users/1')).text, 'users');
      assert.equal((await httpRequest(port, '/fail')).status, 503);
      const names = [...new Set((await dashboardQueries()).flatMap(metricNames))];
      assert.ok(names.length >= 15, `the dashboard reads ${names.length} metrics`);
      // A family is exported when /metrics declares it (# TYPE), even before a labelled counter has a series.
      const exported = async () => {
        const text = (await httpRequest(admin, '/metrics')).text;
        const have = new Set([...text.matchAll(/^([a-z_:][a-z0-9_:]*)[{ ]/gm)].map((m) => m[1] as string));
        for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
          have.add(name as string);
          if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) have.add(`${name}${suffix}`);
        }
        return have;
      };
      let missing: string[] = [];
      // php-fpm's gauges arrive with the first status scrape.
      await until(async () => {
        const have = await exported();
        missing = names.filter((n) => !have.has(n));
        return missing.length === 0;
      }, 10_000);
      assert.deepEqual(missing, [], 'every metric a panel queries is exported');
      const metrics = (await httpRequest(admin, '/metrics')).text;
      assert.match(metrics, /^switchyard_requests_total\{route="[^"]*",upstream="users",status_class="2xx"\} \d+/m, 'the split route shows its canary upstream');
      // The probes of deployment.yaml, on the admin listener, without a token.
      assert.equal((await httpRequest(admin, '/ready')).status, 200);
      assert.equal((await httpRequest(admin, '/healthz')).status, 200);
    });
  });
});
