/**
 * The contract between the router and an upstream protocol (fastcgi, http, grpc): given an
 * exchange whose route is matched, produce the response. An upstream throws a SwitchyardError
 * when it fails before writing the response head; after that it destroys the response.
 */
import type { Exchange } from '../listener/exchange.js';

export interface Upstream {
  readonly name: string;
  readonly type: string;
  handle(exchange: Exchange): Promise<void>;
  /** Closes pooled connections; in-flight requests are allowed to finish. */
  close(): Promise<void>;
}
