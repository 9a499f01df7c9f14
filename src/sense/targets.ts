/**
 * What the sensor reads off the gateway's config: where to post events (the admin listener, as
 * the gateway binds it: a wildcard address is reached on loopback), the token, and the upstream
 * ports to watch (every http endpoint's, and a FastCGI pool's when it listens on TCP), and the
 * php-fpm pools whose workers are watched.
 */
import type { GatewayConfig, ListenAddress } from '../config/types.js';
import { defaults } from '../config/defaults.js';
import { SwitchyardError } from '../errors.js';

export interface SensorTargets {
  /** The admin listener: a URL base, or a unix socket path. */
  readonly admin: { readonly url: string; readonly socketPath?: string };
  readonly token: string | undefined;
  readonly ports: readonly number[];
  /** The FastCGI upstreams' addresses: only these pools' workers are reported (and killed). */
  readonly pools: readonly ListenAddress[];
  readonly kill: boolean;
}

export function sensorTargets(config: GatewayConfig): SensorTargets {
  if (config.admin === undefined) throw new SwitchyardError('SY_ERR_SENSE_UNAVAILABLE', 'the config has no admin listener: the sensor hands its events to the gateway there (set admin.listen)');
  if (config.sense === undefined) throw new SwitchyardError('SY_ERR_SENSE_UNAVAILABLE', 'the config has no sense section: add `sense: {}` so the gateway tracks which request each php-fpm worker serves, and restart it');
  const ports = new Set<number>();
  const pools: ListenAddress[] = [];
  for (const u of config.upstreams.values()) {
    if (u.type === 'http') {
      for (const e of u.endpoints) {
        const url = new URL(e.url);
        ports.add(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port));
      }
    } else if (u.type === 'fastcgi') {
      pools.push(u.address);
      if (u.address.kind === 'tcp') ports.add(u.address.port);
    }
  }
  return { admin: adminBase(config.admin.listen), token: config.admin.token, ports: [...ports].sort((a, b) => a - b), pools, kill: (config.sense ?? defaults.sense).exec.kill };
}

function adminBase(listen: ListenAddress): SensorTargets['admin'] {
  if (listen.kind === 'unix') return { url: 'http://localhost', socketPath: listen.path };
  const host = listen.host === '' || listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}` };
}
