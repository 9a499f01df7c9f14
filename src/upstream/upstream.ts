/**
 * The contract between the router and an upstream protocol (fastcgi, http, grpc): given an
 * exchange whose route is matched, produce the response. An upstream throws a SwitchyardError
 * when it fails before writing the response head; after that it destroys the response.
 */
import type { Exchange } from '../listener/exchange.js';
import type { UpstreamView } from '../cluster/upstream-view.js';

export interface Upstream {
  readonly name: string;
  readonly type: string;
  handle(exchange: Exchange): Promise<void>;
  /** Endpoints, health and the connection table, for GET /admin/upstreams. */
  describe?(): UpstreamView;
  /** Closes pooled connections; in-flight requests are allowed to finish. */
  close(): Promise<void>;
}
