/**
 * The contract between a gRPC upstream's transport (HTTP/2 sessions to the cluster's endpoints,
 * chosen by its balancer, health-checked and ejected like http endpoints) and what calls through
 * it: the REST/JSON transcoder and the gRPC-Web bridge. A caller hands over encoded messages and
 * gets encoded messages back; protobuf stays on the caller's side, HTTP/2 on the transport's.
 */

/** Metadata as ordered (name, value) pairs; names lowercase, `-bin` values base64 as on the wire. */
export type GrpcMetadata = readonly (readonly [string, string])[];

/** The end of a call: grpc-status, grpc-message (percent-decoded) and the trailers. */
export interface GrpcStatus {
  /** 0 OK ... 16 UNAUTHENTICATED, as google.rpc.Code. */
  readonly code: number;
  readonly message: string;
  /** `grpc-status-details-bin`, decoded from base64: a serialized google.rpc.Status. */
  readonly details: Uint8Array | undefined;
  /** Trailers other than grpc-status, grpc-message and grpc-status-details-bin. */
  readonly trailers: GrpcMetadata;
}

export interface GrpcCallOptions {
  /** Metadata sent with the call (the caller has already turned Grpc-Metadata-* headers into it). */
  readonly metadata: GrpcMetadata;
  /** Milliseconds left for the call (sent as grpc-timeout); undefined: none. */
  readonly deadline: number | undefined;
  /** Cancels the call (RST_STREAM CANCEL) when the client goes away. */
  readonly signal: CallSignal;
}

/** The part of an AbortSignal a call reads: an AbortSignal, or something lighter that acts as one. */
export interface CallSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options: { readonly once: true }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface GrpcCall {
  /** Response headers (metadata) once they arrive; rejects with a SwitchyardError when the call fails first. */
  readonly headers: Promise<GrpcMetadata>;
  /** Each response message's bytes (no length prefix), in order. */
  readonly messages: AsyncIterable<Uint8Array>;
  /** Resolves when the call ends, with its status (a transport failure becomes UNAVAILABLE, 14). */
  readonly status: Promise<GrpcStatus>;
}

export interface GrpcInvoker {
  /**
   * Starts `/package.Service/Method` on an endpoint the cluster picks. `requests` are the request
   * messages' bytes (no length prefix): one for unary and server streaming, any number otherwise;
   * the request side is half-closed after the last one.
   */
  call(path: string, requests: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: GrpcCallOptions): GrpcCall;
}
