/**
 * What a retry tells the next endpoint: the failures of the attempts before it, as
 * `X-Error-Chain` links in front of the chain the client sent (most recent first), so a service
 * answering a retried request can see why it is the second one asked. Made only once an attempt
 * has failed; a first attempt's request goes out untouched.
 */
import type { ChainLink, SwitchyardError } from '../errors.js';
import { CHAIN_HEADER, decodeChain, encodeChain } from './header-codec.js';

export class RetryCauses {
  #links: ChainLink[] | undefined;

  /** An attempt failed without an answer (connect refused, reset, timeout). */
  failed(error: SwitchyardError): void {
    (this.#links ??= []).unshift({ source: 'gateway', code: error.code, status: error.status, title: error.title, detail: error.message });
  }

  /** An attempt's answer was swallowed for a retry (a retriable status). */
  answered(endpoint: string, status: number): void {
    (this.#links ??= []).unshift({ source: 'http', status, detail: `${endpoint} answered ${status}` });
  }

  /** Puts the chain on the next attempt's request headers (the client's own chain after it). */
  addTo(headers: Record<string, string | string[]>, fromClient: string | string[] | undefined): void {
    if (this.#links === undefined) return;
    const decoded = decodeChain(fromClient);
    headers[CHAIN_HEADER] = encodeChain([...this.#links, ...('links' in decoded ? decoded.links : [])]);
  }
}
