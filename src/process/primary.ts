/**
 * `serve --workers N`: the primary process. It checks the config once (so a bad one is reported
 * as in one process: every problem, exit 1), forks N gateway workers through node:cluster that
 * share the listeners, replaces a worker that dies (with a growing pause when one dies young, so
 * a crash loop does not spin), forwards SIGTERM/SIGINT (graceful stop) and SIGHUP (reload,
 * reported once every worker answered), and runs the admin listener itself, gathering the
 * workers' views (GET /admin/upstreams lists each worker's; /metrics, /admin/heatmap,
 * /admin/correlation and /dashboard/state merge their registries, heatmaps, reports and tables);
 * the dashboard's page and assets are forwarded to one worker's private admin listener;
 * /admin/sense posts go to every worker (src/process/merged-sense.ts); /admin/shield merges their
 * recent blocks (src/process/merged-shield.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { loadConfigFile } from '../config/load.js';
import { buildRuntime } from '../gateway/build.js';
import { createLogger } from '../telemetry/logger.js';
import { startAdminServer } from '../admin/admin-server.js';
import { healthEndpoint } from '../admin/health.js';
import { readyEndpoint } from '../admin/ready.js';
import { reloadEndpoint } from '../admin/reload.js';
import { upstreamsEndpoint } from '../admin/upstreams.js';
import { adminEndpoints } from '../admin/endpoints.js';
import { forwardedEndpoint } from './admin-proxy.js';
import { mergedMetricsEndpoint } from './merged-metrics.js';
import { mergedHeatmapEndpoint } from './merged-heatmap.js';
import { mergedCorrelationEndpoint } from './merged-correlation.js';
import { mergedDashboardStateEndpoint } from './merged-dashboard-state.js';
import { mergedSenseEndpoints } from './merged-sense.js';
import { mergedShieldEndpoint } from './merged-shield.js';
import { mergedShadowEndpoint } from './merged-shadow.js';
import { defaults } from '../config/defaults.js';
import type { AdminContext, AdminEndpoint, Readiness, ReloadOutcome } from '../admin/endpoint.js';
import type { UpstreamView } from '../cluster/upstream-view.js';
import type { PrimaryMessage, WorkerMessage } from './messages.js';
import { workerExecArgv } from './worker-flags.js';
import { SwitchyardError } from '../errors.js';
import { closeRedisClients } from '../plugins/redis-clients.js';
import { LeaseLedger } from '../plugins/rate-limit/lease-ledger.js';
import { mergedJwksEndpoint } from '../plugins/php-session/jwks-endpoint.js';

export interface PrimaryOptions {
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logLevel: string;
  readonly logStream: Writable;
  readonly workers: number;
}

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));
/** A worker that dies younger than this counts as crashing; the restart pause doubles. */
const YOUNG_MS = 5_000;
const MAX_PAUSE_MS = 5_000;
const ASK_TIMEOUT_MS = 5_000;

export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const log = createLogger(options.logLevel, options.logStream);
  // Check the whole config (schema and build) before forking anything; ConfigError goes to the CLI.
  const runtime = buildRuntime(await loadConfigFile(options.file, options.env), log, options.file);
  await Promise.all([...runtime.upstreams.values()].map((u) => u.close()));
  await closeRedisClients();

  // Let the kernel hand connections to the workers (each accepts on the shared socket) unless
  // NODE_CLUSTER_SCHED_POLICY says otherwise: measured on bench/proxy, ~10-15% more req/s and a
  // lower p99 than node's default on Linux, where the primary accepts every connection and
  // passes it on. The kernel may spread connections less evenly; with kept-alive clients that
  // matters less than the primary being in every connection's path.
  if (options.env['NODE_CLUSTER_SCHED_POLICY'] === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_MAIN, execArgv: workerExecArgv(process.execArgv, options.env), args: [options.file, options.logLevel, String(options.workers)], silent: false });
  const workers = new Map<number, { worker: Worker; bornAt: number; admin?: string | undefined; ready?: boolean }>();
  let stopping = false;
  let serving = false;
  let pause = 100;
  let nextId = 1;
  const pending = new Map<number, { readonly left: Set<number>; readonly replies: WorkerMessage[]; readonly done: () => void }>();

  // The workers' `store: memory` rate limits take their tokens from here (one count per instance).
  const leases = new LeaseLedger();
  const onMessage = (worker: Worker, message: WorkerMessage) => {
    if (message.type === 'rate-lease') {
      if (worker.isConnected()) worker.send(leases.grant(message));
      return;
    }
    if (message.type === 'ready' || message.type === 'failed') return;
    const ask = pending.get(message.id);
    if (ask === undefined) return;
    ask.replies.push(message);
    ask.left.delete(worker.id);
    if (ask.left.size === 0) ask.done();
  };

  /** Asks every live worker; resolves with the replies that came within the timeout. */
  const askAll = (make: (id: number) => PrimaryMessage): Promise<WorkerMessage[]> => {
    const id = nextId++;
    const live = [...workers.values()].map((w) => w.worker).filter((w) => w.isConnected());
    return new Promise((resolve) => {
      const replies: WorkerMessage[] = [];
      const finish = () => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(replies);
      };
      const timer = setTimeout(finish, ASK_TIMEOUT_MS);
      pending.set(id, { left: new Set(live.map((w) => w.id)), replies, done: finish });
      if (live.length === 0) finish();
      for (const w of live) w.send(make(id));
    });
  };

  const fork = (): Promise<readonly string[]> => {
    const worker = cluster.fork();
    workers.set(worker.id, { worker, bornAt: Date.now() });
    worker.on('message', (m: WorkerMessage) => onMessage(worker, m));
    return new Promise((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'failed') reject(new SwitchyardError(m.code, m.message));
        if (m.type !== 'ready') return;
        const entry = workers.get(worker.id);
        if (entry !== undefined) {
          entry.admin = m.admin;
          entry.ready = true;
        }
        resolve(m.listen);
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before listening`)));
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = workers.get(worker.id);
    workers.delete(worker.id);
    for (const ask of pending.values()) if (ask.left.delete(worker.id) && ask.left.size === 0) ask.done();
    // A worker that dies while the primary starts is not replaced: the start fails with its
    // reason (a taken port would fail every replacement the same way).
    if (stopping || !serving || entry === undefined) return;
    const young = Date.now() - entry.bornAt < YOUNG_MS;
    pause = young ? Math.min(pause * 2, MAX_PAUSE_MS) : 100;
    log.warn({ worker: worker.process.pid, code, signal, restartInMs: pause }, 'worker died, starting another');
    setTimeout(() => {
      if (!stopping) fork().catch((err: unknown) => log.error({ err }, 'replacement worker failed to start'));
    }, pause).unref();
  });

  const reload = async (): Promise<ReloadOutcome> => {
    const replies = await askAll((id) => ({ type: 'reload', id }));
    const problems = new Set<string>();
    for (const r of replies) if (r.type === 'reload' && !r.outcome.reloaded) for (const p of r.outcome.problems) problems.add(p);
    if (problems.size > 0) {
      log.error({ problems: [...problems] }, 'reload rejected, keeping the running configuration');
      return { reloaded: false, problems: [...problems] };
    }
    log.info({ workers: replies.length }, 'configuration reloaded');
    return { reloaded: true };
  };
  const upstreams = async (): Promise<UpstreamView[]> => {
    const replies = await askAll((id) => ({ type: 'upstreams', id }));
    const views: UpstreamView[] = [];
    for (const r of replies) if (r.type === 'upstreams') for (const v of r.views) views.push({ ...v, worker: r.pid });
    return views;
  };

  const metrics = async () => (await askAll((id) => ({ type: 'metrics', id }))).map((r) => (r.type === 'metrics' ? r.metrics : undefined));

  const workerAdmins = () => [...workers.values()].filter((w) => w.admin !== undefined && w.worker.isConnected()).map((w) => w.admin as string);
  // The admin address is bound before any worker starts: when it is taken, nothing was started.
  const senseKeep = () => (runtime.config.sense ?? defaults.sense).keep;
  // Ready (GET /ready) once every worker listens, and not from SIGTERM on; a worker being
  // replaced makes the instance not ready until its successor listens.
  const readiness = (): Readiness => {
    if (stopping) return { state: 'draining' };
    const up = [...workers.values()].filter((w) => w.ready === true && w.worker.isConnected()).length;
    return serving && up >= options.workers ? { state: 'ready' } : { state: 'starting', detail: `${up} of ${options.workers} workers listening` };
  };
  const admin = runtime.config.admin === undefined ? undefined : await startPrimaryAdmin(runtime.config.admin, { reload, upstreams, readiness }, metrics, workerAdmins, senseKeep, log);

  let listen: readonly string[];
  try {
    const started = await Promise.all(Array.from({ length: options.workers }, () => fork()));
    listen = started[0] ?? [];
  } catch (err) {
    // The first worker's reason is the error; the others are stopped before it is reported.
    stopping = true;
    admin?.close();
    await Promise.all([...workers.values()].map(({ worker }) => new Promise((resolve) => (worker.isDead() ? resolve(undefined) : worker.once('exit', resolve).kill('SIGTERM')))));
    throw err;
  }
  serving = true;
  log.info({ listen, workers: options.workers, pids: [...workers.values()].map((w) => w.worker.process.pid) }, 'switchyard listening');

  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // The admin listener stays up while the workers drain, so `/ready` answers 503 until the end.
    for (const { worker } of workers.values()) worker.process.kill('SIGTERM');
    const check = () => {
      if (workers.size > 0) return;
      admin?.close();
      admin?.closeAllConnections();
      cluster.off('exit', check);
      process.off('SIGTERM', stop).off('SIGINT', stop).off('SIGHUP', onHup);
      log.info('switchyard stopped');
      markStopped();
    };
    cluster.on('exit', check);
    check();
  };
  const onHup = () => void reload();
  process.on('SIGTERM', stop).on('SIGINT', stop).on('SIGHUP', onHup);
  await stopped;
}

async function startPrimaryAdmin(
  config: NonNullable<ReturnType<typeof buildRuntime>['config']['admin']>,
  views: Pick<AdminContext, 'reload' | 'upstreams' | 'readiness'>,
  metrics: Parameters<typeof mergedMetricsEndpoint>[0],
  workerAdmins: () => readonly string[],
  senseKeep: () => number,
  log: Logger,
): Promise<Server> {
  // These are answered here from every worker; the rest of the list (the dashboard's page and
  // assets) is forwarded to one worker. None of these reads `gateway`, which lives in the workers.
  const own = [healthEndpoint, readyEndpoint, reloadEndpoint, upstreamsEndpoint, mergedMetricsEndpoint(metrics), mergedHeatmapEndpoint(workerAdmins), mergedCorrelationEndpoint(workerAdmins), mergedDashboardStateEndpoint(workerAdmins), ...mergedSenseEndpoints(workerAdmins, senseKeep), mergedShieldEndpoint(workerAdmins), mergedJwksEndpoint(workerAdmins), mergedShadowEndpoint(workerAdmins)];
  const answered = (e: AdminEndpoint) => own.some((o) => o.method === e.method && o.path === e.path);
  const endpoints = [...own, ...adminEndpoints.filter((e) => !answered(e)).map((e) => forwardedEndpoint(e, () => workerAdmins()[0]))];
  const context = { ...views, gateway: undefined } as unknown as AdminContext;
  const server = await startAdminServer(config, endpoints, context, log);
  log.info({ admin: server.address() }, 'admin listening');
  return server;
}
