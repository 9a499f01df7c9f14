/** Makes the upstream for a configured `type`. */
import type { Logger } from 'pino';
import type { UpstreamConfig } from '../config/types.js';
import type { Upstream } from './upstream.js';
import { createFastcgiUpstream } from './fastcgi/fastcgi-upstream.js';
import { createHttpUpstream } from './http/http-upstream.js';

export function createUpstream(config: UpstreamConfig, log: Logger): Upstream {
  switch (config.type) {
    case 'fastcgi':
      return createFastcgiUpstream(config, log.child({ upstream: config.name }));
    case 'http':
      return createHttpUpstream(config, log.child({ upstream: config.name }));
  }
}
