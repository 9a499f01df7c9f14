/**
 * The routes `transcode: true` adds to the gateway (SPEC section 3): one per method and shape of
 * each binding of the upstream's services (route-syntax.ts), leading to the upstream, with no
 * middleware. The gateway adds them after the configured routes, so a configured route of the
 * same method and shape keeps its place (and its middleware) and the mounted one is left out.
 */
import { defaults } from '../../../config/defaults.js';
import type { GatewayConfig, RouteConfig } from '../../../config/types.js';
import { isSwitchyardError, type ErrorCode } from '../../../errors.js';
import { transcodedRoutes } from './route-syntax.js';
import { loadedTranscoder } from './preload.js';

export interface MountedRoute {
  readonly route: RouteConfig;
  /** The bindings behind it, quoted where a conflict is reported. */
  readonly at: string;
}

/** Every mounted route of every `transcode: true` upstream; a bad binding is reported through `fail`. */
export function transcodedRouteConfigs(config: GatewayConfig, fail: (code: ErrorCode, segments: readonly (string | number)[], message: string) => void): MountedRoute[] {
  const mounted: MountedRoute[] = [];
  for (const [name, upstream] of config.upstreams) {
    if (upstream.type !== 'grpc' || !upstream.transcode) continue;
    const createTranscoder = loadedTranscoder();
    if (createTranscoder === undefined) throw new Error('the transcoder is preloaded with the config (preloadTranscoder) before the gateway is built');
    let bindings;
    try {
      bindings = createTranscoder(upstream).bindings();
    } catch (err) {
      if (!isSwitchyardError(err)) throw err;
      fail(err.code, ['upstreams', name, 'proto'], err.message);
      continue;
    }
    for (const t of transcodedRoutes(bindings)) {
      mounted.push({
        route: { methods: [t.method], path: t.path, where: t.where, name: undefined, to: name, middleware: [], static: false, bodySize: defaults.limits.bodySize, at: ['upstreams', name, 'transcode'] },
        at: t.bindings.join(', '),
      });
    }
  }
  return mounted;
}
