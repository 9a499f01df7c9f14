/**
 * Starting a gateway from a config file the way `serve` and `demo` do: load, build, listen, and
 * wire the process signals (SIGTERM/SIGINT graceful stop, SIGHUP reload).
 */
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { loadConfigFile } from '../config/load.js';
import { ConfigError, formatProblem } from '../config/problems.js';
import { createLogger } from '../telemetry/logger.js';
import { buildRuntime, type Runtime } from './build.js';
import { Gateway } from './gateway.js';
import { startAdminServer } from '../admin/admin-server.js';
import { adminEndpoints } from '../admin/endpoints.js';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import type { ReloadOutcome } from '../admin/endpoint.js';
import { serverUrl } from '../listener/http-listener.js';
import type { ListenAddress } from '../config/types.js';
import type { Server } from 'node:http';
import { SenseLog } from '../sense/sense-log.js';
import { ShieldBlocks } from '../shield/shield-blocks.js';
import { feedClusters } from '../sense/feed-clusters.js';
import { closeRedisClients } from '../plugins/redis-clients.js';

export interface StartOptions {
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logLevel: string;
  readonly logStream: Writable;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (default true). */
  readonly signals?: boolean;
  /** Admin listens here instead of `admin.listen` (worker processes: a private port the primary forwards to). */
  readonly adminListen?: ListenAddress;
  /** How many worker processes run this gateway side by side; upstream budgets are split (default 1). */
  readonly processes?: number;
  /** Log starting, reloading and stopping at info (default true); workers leave that to the primary. */
  readonly announce?: boolean;
}

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly log: Logger;
  /** Resolves once the gateway has stopped (after a signal or `stop()`). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
  reload(): Promise<ReloadOutcome>;
  /** The admin server, when `admin` is configured. */
  readonly admin: Server | undefined;
  /** Its URL (`http://127.0.0.1:9901`), when `admin` is configured. */
  readonly adminUrl: string | undefined;
  /** Metrics, heatmaps and tracing; undefined when the config turned telemetry off. */
  readonly telemetry: Telemetry | undefined;
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const log = createLogger(options.logLevel, options.logStream);
  const announce = (fields: object, msg: string) => (options.announce === false ? log.debug(fields, msg) : log.info(fields, msg));
  const load = async (previous?: Runtime) => buildRuntime(await loadConfigFile(options.file, options.env), log, options.file, options.processes, previous);
  const gateway = new Gateway(await load(), log);
  // An address that cannot be bound (the server being replaced still holds it) ends the start:
  // close what did bind, so the process exits with the one error line instead of hanging.
  await gateway.start().catch(async (err: unknown) => {
    await gateway.stop(0);
    throw err;
  });
  // Rollouts read and write their store from here on (docs/delivery.md).
  gateway.runtime.delivery.start();

  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  // The admin listener stays up while the gateway drains, so `/ready` answers 503 until the end.
  const stop = () => {
    stopping ??= gateway.stop().then(async () => {
      admin?.close();
      admin?.closeAllConnections();
      await gateway.runtime.delivery.close();
      sense.close();
      shieldBlocks.close();
      await telemetry?.stop();
      await closeRedisClients();
      removeSignals();
      announce({}, 'switchyard stopped');
      markStopped();
    });
    return stopping;
  };
  const reload = async (): Promise<ReloadOutcome> => {
    try {
      await gateway.reload(await load(gateway.runtime));
      announce({}, 'configuration reloaded');
      return { reloaded: true };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const problems = err.problems.map((p) => formatProblem(options.file, p));
      log.error({ problems }, 'reload rejected, keeping the running configuration');
      return { reloaded: false, problems };
    }
  };
  // The admin listener is set up once from the starting config; a reload does not move it.
  const configured = gateway.runtime.config.admin;
  const adminConfig = configured === undefined || options.adminListen === undefined ? configured : { ...configured, listen: options.adminListen };
  const telemetry = startTelemetry(gateway.runtime.config.telemetry, gateway, log);
  const sense = new SenseLog(() => gateway.runtime.config, feedClusters(gateway));
  const shieldBlocks = new ShieldBlocks();
  const admin =
    adminConfig === undefined
      ? undefined
      : await startAdminServer(adminConfig, adminEndpoints, { gateway, reload, telemetry, sense, shieldBlocks, readiness: () => ({ state: stopping === undefined ? 'ready' : 'draining' }) }, log).catch(async (err: unknown) => {
          sense.close();
          shieldBlocks.close();
          await gateway.stop(0);
          await gateway.runtime.delivery.close();
          await telemetry?.stop();
          throw err;
        });
  // Announced once the admin address is bound too, so a start that fails says only why.
  announce({ listen: gateway.urls() }, 'switchyard listening');
  const adminUrl = admin === undefined ? undefined : serverUrl(admin);
  if (adminUrl !== undefined) announce({ admin: adminUrl }, 'admin listening');
  const onStop = () => void stop();
  const onReload = () => void reload().catch((err: unknown) => log.error({ err }, 'reload failed'));
  const removeSignals = () => {
    process.off('SIGTERM', onStop).off('SIGINT', onStop).off('SIGHUP', onReload);
  };
  if (options.signals !== false) process.on('SIGTERM', onStop).on('SIGINT', onStop).on('SIGHUP', onReload);
  return { gateway, log, stopped, stop, reload, admin, adminUrl, telemetry };
}
