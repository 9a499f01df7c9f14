/**
 * Makes the upstream for a configured `type`. Under `serve --workers N` every worker has its own
 * pools, so php-fpm's budget is shared out: each worker gets maxConnections / N connections (at
 * least one) and queue.max / N queue places, keeping the total within pm.max_children.
 */
import type { Logger } from 'pino';
import type { UpstreamConfig } from '../config/types.js';
import type { Upstream } from './upstream.js';
import { createFastcgiUpstream } from './fastcgi/fastcgi-upstream.js';
import { createHttpUpstream } from './http/http-upstream.js';
import { createGrpcUpstream } from './grpc/grpc-upstream.js';
import { loadedTranscoder } from './grpc/transcode/preload.js';

export function createUpstream(config: UpstreamConfig, log: Logger, processes = 1): Upstream {
  switch (config.type) {
    case 'fastcgi': {
      const share = {
        ...config,
        maxConnections: Math.max(1, Math.floor(config.maxConnections / processes)),
        queue: { ...config.queue, max: Math.ceil(config.queue.max / processes) },
      };
      if (config.maxConnections < processes) {
        log.warn({ upstream: config.name, maxConnections: config.maxConnections, workers: processes }, 'fewer php-fpm connections than workers: each worker still takes one, so php-fpm may see more than maxConnections');
      }
      return createFastcgiUpstream(share, log.child({ upstream: config.name }));
    }
    case 'http':
      return createHttpUpstream(config, log.child({ upstream: config.name }));
    case 'grpc':
      return createGrpcUpstream(config, log.child({ upstream: config.name }), loadedTranscoder());
  }
}
