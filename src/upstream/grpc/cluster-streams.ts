/**
 * Opens HTTP/2 streams to a grpc upstream's cluster: per call, a circuit-breaker request slot,
 * then an endpoint chosen by the cluster (priority, zone, balancer, health, ejection), a session
 * from that endpoint's sessions, and the request stream. A call that could not reach an endpoint
 * (connect failure, refused stream) goes to another one when the retry policy, its attempts
 * and the retry budget allow; nothing else is retried, since a gRPC method is not known to be
 * idempotent. How each call ended feeds outlier detection, the grpc-status read as the HTTP
 * status Envoy's gRPC mapping gives it (UNAVAILABLE 503, DEADLINE_EXCEEDED 504, INTERNAL,
 * UNKNOWN and DATA_LOSS 500, others 200: an application's answer).
 */
import type { ClientHttp2Stream, OutgoingHttpHeaders } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { GrpcUpstreamConfig } from '../../config/types.js';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import { Cluster } from '../../cluster/cluster.js';
import { ConnectionTable } from '../../cluster/connection-table.js';
import type { Endpoint } from '../../cluster/endpoint.js';
import type { LocalFailure } from '../../cluster/outlier-detector.js';
import { EndpointSessions } from './session.js';
import { healthProbe } from './health-probe.js';

export interface OpenedStream {
  readonly stream: ClientHttp2Stream;
  readonly endpoint: Endpoint;
  readonly label: string;
  /** Records how the call ended (a grpc-status, or a local failure) and frees its slots; once. */
  finish(outcome: { readonly grpcStatus: number } | { readonly failure: LocalFailure }): void;
}

/** Who is calling, for the balancer's hash (ring_hash on a header, cookie or the client address). */
export interface CallerInfo {
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
}

const NO_CALLER: CallerInfo = { headers: {}, remoteAddress: '' };
const REQUEST_OPTIONS = Object.freeze({ endStream: false });

export class ClusterStreams {
  readonly name: string;
  readonly cluster: Cluster;
  readonly #sessions: EndpointSessions[];
  readonly #closeProbes: () => Promise<void>;

  constructor(config: GrpcUpstreamConfig, log: Logger) {
    this.name = config.name;
    const sessionOptions = {
      upstream: config.name,
      connectTimeout: config.timeouts.connect,
      idleTimeout: config.timeouts.idle,
      maxSessions: config.circuitBreaker.maxConnections,
      tls: config.tls,
    };
    // Health checks open their own sessions, never sharing client traffic's, and stay out of the
    // connection table, as http's undici probes do (the cluster checks as it is being built).
    const probeSessions = new Map<number, EndpointSessions>();
    const probeTable = new ConnectionTable();
    const hc = config.healthCheck;
    this.cluster = new Cluster(
      { ...config, healthCheck: hc === undefined ? undefined : { ...hc, path: '/grpc.health.v1.Health/Check', expectedStatuses: [] } },
      log,
      hc === undefined
        ? undefined
        : (endpoint, signal) => {
            let sessions = probeSessions.get(endpoint.index);
            if (sessions === undefined) {
              sessions = new EndpointSessions(endpoint.url, { ...sessionOptions, connectTimeout: Math.min(hc.timeout, config.timeouts.connect), idleTimeout: Math.max(hc.interval * 2, 1_000), maxSessions: 1 }, probeTable);
              probeSessions.set(endpoint.index, sessions);
            }
            return healthProbe(sessions, hc.service, signal);
          },
    );
    this.#closeProbes = () => Promise.all([...probeSessions.values()].map((s) => s.close())).then(() => undefined);
    this.#sessions = this.cluster.endpoints.map((e) => new EndpointSessions(e.url, sessionOptions, this.cluster.table));
  }

  /**
   * Opens a call's stream. `headers` are the request's (without pseudo-headers; the call's are
   * added to this object); :authority is the endpoint's. Rejects with a SwitchyardError when no endpoint can take the call.
   */
  async open(path: string, headers: OutgoingHttpHeaders, signal: { readonly aborted: boolean } | undefined, caller: CallerInfo = NO_CALLER): Promise<OpenedStream> {
    const breaker = this.cluster.breaker;
    if (!breaker.tryRequest()) {
      throw new SwitchyardError('SY_ERR_UPSTREAM_CIRCUIT_OPEN', `upstream ${this.name}: ${breaker.limits.maxRequests} calls already in flight (circuitBreaker.maxRequests)`, { headers: { 'retry-after': '1' } });
    }
    const policy = this.cluster.retry;
    let tried: Set<Endpoint> | undefined;
    let holdingRetry = false;
    const release = () => {
      breaker.endRequest();
      if (holdingRetry) breaker.endRetry();
      holdingRetry = false;
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const endpoint = this.cluster.choose(caller, caller.remoteAddress, tried);
        if (endpoint === undefined) {
          throw new SwitchyardError('SY_ERR_UPSTREAM_UNAVAILABLE', `upstream ${this.name}: no endpoint is healthy and not ejected (${this.cluster.endpoints.length} configured)`, { headers: { 'retry-after': '1' } });
        }
        const sessions = this.#sessions[endpoint.index] as EndpointSessions;
        const label = `upstream ${this.name} (${endpoint.url})`;
        const startedAt = performance.now();
        try {
          const got = sessions.acquire();
          // Waiting for a session to come up is a pending request (circuitBreaker.maxPending), as waiting for an http connection is.
          if (got instanceof Promise && !breaker.tryPending()) {
            void got.then(({ done }) => done(), () => undefined);
            throw new SwitchyardError('SY_ERR_UPSTREAM_CIRCUIT_OPEN', `${label}: ${breaker.limits.maxPending} calls already waiting for a session (circuitBreaker.maxPending)`, { headers: { 'retry-after': '1' } });
          }
          const { session, done } = got instanceof Promise ? await got.finally(() => breaker.endPending()) : got;
          if (signal?.aborted) {
            done();
            throw new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${label}: the client left before the call started`);
          }
          let stream: ClientHttp2Stream;
          try {
            // The pseudo-headers go into the caller's fields (node copies them again): no further object per call.
            headers[':method'] = 'POST';
            headers[':scheme'] = sessions.scheme;
            headers[':path'] = path;
            headers[':authority'] = sessions.authority;
            stream = session.request(headers, REQUEST_OPTIONS);
          } catch (err) {
            // The session closed (GOAWAY) between choosing and using it: the call never left, so it may go elsewhere.
            done();
            throw new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `${label}: the session closed before the call started (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
          }
          endpoint.active++;
          let finished = false;
          return {
            stream,
            endpoint,
            label,
            finish: (outcome) => {
              if (finished) return;
              finished = true;
              endpoint.active--;
              done();
              release();
              const latencyMs = performance.now() - startedAt;
              this.cluster.record(endpoint, 'failure' in outcome ? { failure: outcome.failure, latencyMs } : { status: httpEquivalent(outcome.grpcStatus), latencyMs });
            },
          };
        } catch (err) {
          if (!isSwitchyardError(err)) throw err;
          const failure = localFailure(err);
          if (failure !== undefined) this.cluster.record(endpoint, { failure, latencyMs: performance.now() - startedAt });
          const retry =
            attempt < policy.attempts &&
            !(signal?.aborted ?? false) &&
            failure === 'connect' &&
            policy.allows('POST', true, { failure, status: undefined, bodyUntouched: true }) &&
            breaker.tryRetry(policy.budget);
          if (!retry) throw err;
          if (holdingRetry) breaker.endRetry();
          holdingRetry = true;
          (tried ??= new Set()).add(endpoint);
        }
      }
    } catch (err) {
      release();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.cluster.close(), this.#closeProbes(), ...this.#sessions.map((s) => s.close())]);
  }
}

/** The HTTP status outlier detection counts for a grpc-status (Envoy's gRPC-to-HTTP reading). */
export function httpEquivalent(grpcStatus: number): number {
  switch (grpcStatus) {
    case 14:
      return 503;
    case 4:
      return 504;
    case 2:
    case 13:
    case 15:
      return 500;
    default:
      return 200;
  }
}

function localFailure(err: SwitchyardError): LocalFailure | undefined {
  switch (err.code) {
    case 'SY_ERR_UPSTREAM_CONNECT':
    case 'SY_ERR_UPSTREAM_CONNECT_TIMEOUT':
    case 'SY_ERR_UPSTREAM_TLS':
      return 'connect';
    case 'SY_ERR_UPSTREAM_PROTOCOL':
      return 'protocol';
    case 'SY_ERR_UPSTREAM_RESET':
      return 'reset';
    default:
      return undefined;
  }
}
