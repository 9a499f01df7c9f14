/**
 * `type: grpc` upstreams: the router's side of a gRPC service. Each request goes one of three
 * ways by its content type: native gRPC over HTTP/2 passes through (passthrough.ts), gRPC-Web
 * from HTTP/1.1 or HTTP/2 is bridged to native gRPC (grpc-web.ts), and anything else goes to the
 * REST/JSON transcoder whenever the upstream has descriptors (`proto:`): configured routes to it
 * are transcoded by their google.api.http bindings, and `transcode: true` also mounts every
 * binding as a route (SPEC section 3). The calls share one
 * cluster (balancer, health checks by grpc.health.v1, outlier detection, circuit breaker) and
 * the endpoints' HTTP/2 sessions (cluster-streams.ts).
 */
import type { Logger } from 'pino';
import type { GrpcUpstreamConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import type { UpstreamView } from '../../cluster/upstream-view.js';
import type { Upstream } from '../upstream.js';
import { ClusterStreams } from './cluster-streams.js';
import { createClusterInvoker } from './cluster-invoker.js';
import type { GrpcInvoker } from './invoker.js';
import { passThrough } from './passthrough.js';
import { answerPreflight, bridgeGrpcWeb, isGrpcWeb } from './grpc-web.js';
import type { Transcoder, TranscoderFactory } from './transcoder.js';

export interface GrpcUpstream extends Upstream {
  /** Calls through this upstream's cluster, for the transcoder and tools. */
  readonly invoker: GrpcInvoker;
  describe(): UpstreamView;
}

export function createGrpcUpstream(config: GrpcUpstreamConfig, log: Logger, createTranscoder?: TranscoderFactory): GrpcUpstream {
  return new GrpcUpstreamImpl(config, log, createTranscoder);
}

class GrpcUpstreamImpl implements GrpcUpstream {
  readonly name: string;
  readonly type = 'grpc';
  readonly invoker: GrpcInvoker;
  readonly #config: GrpcUpstreamConfig;
  readonly #streams: ClusterStreams;
  readonly #transcoder: Transcoder | undefined;

  constructor(config: GrpcUpstreamConfig, log: Logger, createTranscoder: TranscoderFactory | undefined) {
    this.name = config.name;
    this.#config = config;
    this.#streams = new ClusterStreams(config, log);
    this.invoker = createClusterInvoker(this.#streams, config.timeouts.total);
    this.#transcoder = config.proto !== undefined && createTranscoder !== undefined ? createTranscoder(config) : undefined;
  }

  async handle(exchange: Exchange): Promise<void> {
    exchange.upstream = this.name;
    const { req } = exchange;
    const contentType = String(req.headers['content-type'] ?? '');
    if (isGrpcWeb(contentType)) return bridgeGrpcWeb(exchange, this.#streams, this.#config);
    if (contentType.startsWith('application/grpc')) {
      if (req.httpVersion === '2.0') return passThrough(exchange, this.#streams, this.#config);
      throw new SwitchyardError('SY_ERR_GRPC_UNSUPPORTED_MEDIA_TYPE', `upstream ${this.name}: native gRPC needs HTTP/2 (h2c with prior knowledge on this port); over HTTP/1.1 send application/grpc-web`);
    }
    if (req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined) return answerPreflight(exchange);
    if (this.#transcoder !== undefined) return this.#transcoder.handle(exchange, this.invoker);
    throw new SwitchyardError(
      'SY_ERR_GRPC_UNSUPPORTED_MEDIA_TYPE',
      `upstream ${this.name} takes gRPC (application/grpc over HTTP/2) and gRPC-Web (application/grpc-web*)${this.#config.proto !== undefined ? '' : '; REST/JSON needs its protos (proto:)'}, not '${contentType || 'no content type'}'`,
    );
  }

  describe(): UpstreamView {
    return this.#streams.cluster.view(this.type);
  }

  async close(): Promise<void> {
    await this.#streams.close();
  }
}

