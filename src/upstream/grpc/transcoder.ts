/**
 * The seam between the grpc upstream and REST/JSON transcoding (src/upstream/grpc/transcode/):
 * the transport hands every request that is neither native gRPC nor gRPC-Web to the transcoder,
 * with the invoker to make the call through. Built once per upstream from its config (with the
 * loaded `descriptors`), so a bad binding fails when the config loads, not on a request.
 */
import type { GrpcUpstreamConfig } from '../../config/types.js';
import type { Exchange } from '../../listener/exchange.js';
import type { GrpcInvoker } from './invoker.js';

export interface Transcoder {
  /** Answers the exchange (a JSON body, a problem, a stream of lines); throws a SwitchyardError before the head is out. */
  handle(exchange: Exchange, invoker: GrpcInvoker): Promise<void>;
}

/** transcode/index.ts's createTranscoder: reads `config.descriptors`, `json` and `unknownQueryParameters`. */
export type TranscoderFactory = (config: GrpcUpstreamConfig) => Transcoder;
