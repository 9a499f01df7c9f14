/**
 * The transcoder, and with it @bufbuild/protobuf's runtime, is loaded only for a config with a
 * `transcode: true` upstream: config loading (async) preloads it before the gateway is built
 * (sync), which takes the factory from here. A worker whose config has none never loads it.
 */
import type { GatewayConfig } from '../../../config/types.js';
import type { createTranscoder } from './transcoder.js';

let factory: typeof createTranscoder | undefined;

export async function preloadTranscoder(config: GatewayConfig): Promise<void> {
  if (factory !== undefined || ![...config.upstreams.values()].some((u) => u.type === 'grpc' && u.transcode)) return;
  factory = (await import('./transcoder.js')).createTranscoder;
}

/** The factory, once a config that needs it has been loaded. */
export function loadedTranscoder(): typeof createTranscoder | undefined {
  return factory;
}
