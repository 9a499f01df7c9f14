/**
 * One gateway worker process (forked by primary.ts through node:cluster). It runs the ordinary
 * single-process gateway on the shared listeners — node:cluster hands every worker the same
 * listening sockets — without the admin listener, which the primary owns, and answers the
 * primary's questions (upstream views, metrics, reload) over IPC. Started by worker-main.ts, or by
 * the single executable's entry (src/sea/entry.ts), which has no separate file to fork.
 */
import { startGateway } from '../gateway/start.js';
import { isSwitchyardError } from '../errors.js';
import { upstreamViews } from '../admin/upstreams.js';
import type { PrimaryMessage, WorkerMessage } from './messages.js';
import type { RunningGateway } from '../gateway/start.js';
import type { WorkerMetrics } from './merged-metrics.js';

const send = (message: WorkerMessage) => process.send?.(message);

/** Arguments as primary.ts passes them: the config file, the log level, the number of workers. */
export async function runWorker([file, logLevel, workers]: readonly string[]): Promise<never> {
  if (file === undefined || logLevel === undefined || workers === undefined) throw new TypeError('runWorker takes the config file, log level and worker count');
  // The worker's own admin listener is private (loopback, any port): the primary forwards to it.
  const running = await startGateway({ file, env: process.env, logLevel, logStream: process.stderr, adminListen: { kind: 'tcp', host: '127.0.0.1', port: 0 }, announce: false, processes: Number(workers) }).catch(
    async (err: unknown) => {
      // A known failure (the port is taken) is the primary's to report, as one line; a bug keeps its stack.
      if (!isSwitchyardError(err)) throw err;
      const failed: WorkerMessage = { type: 'failed', code: err.code, message: err.message };
      await new Promise<void>((resolve) => process.send?.(failed, () => resolve()));
      process.exit(1);
    },
  );
  process.on('message', (message: PrimaryMessage) => {
    if (message.type === 'upstreams') send({ type: 'upstreams', id: message.id, pid: process.pid, views: upstreamViews(running.gateway) });
    else if (message.type === 'metrics') void metricsOf(running).then((metrics) => send({ type: 'metrics', id: message.id, metrics }));
    else if (message.type === 'reload') void running.reload().then((outcome) => send({ type: 'reload', id: message.id, outcome }));
  });
  send({ type: 'ready', listen: running.gateway.urls(), admin: running.adminUrl });
  await running.stopped;
  process.exit(0);
}

function metricsOf(gateway: RunningGateway): Promise<WorkerMetrics | undefined> {
  return gateway.telemetry === undefined ? Promise.resolve(undefined) : gateway.telemetry.metrics.registry.getMetricsAsJSON();
}
