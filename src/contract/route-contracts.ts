/**
 * Builds the edge-validation filter of each route with `openapi:` when the config loads: every
 * document read and parsed once per build however many routes use it, the operation found and its
 * schemas compiled, so a missing file, an unknown operationId or a schema that does not compile
 * is a load error at the route's `openapi.spec` or `openapi.operation`, never a request's.
 */
import type { RouteConfig } from '../config/types.js';
import type { Filter } from '../filters/filter.js';
import { parsePath } from '../router/path-syntax.js';
import { createContractFilter } from './contract-filter.js';
import { ContractLoadError, loadOpenapi, type OpenapiDocument } from './openapi-document.js';
import { compileOperation, newAjv } from './operation-contract.js';

export type ContractBuild = { readonly filter: Filter } | { readonly key: 'spec' | 'operation'; readonly message: string };

export class RouteContracts {
  readonly #documents = new Map<string, { doc: OpenapiDocument; ajv: ReturnType<typeof newAjv> } | ContractLoadError>();

  /** The route's filter, or the problem (undefined for a route without `openapi:`). */
  build(route: RouteConfig): ContractBuild | undefined {
    const options = route.openapi;
    if (options === undefined) return undefined;
    try {
      let loaded = this.#documents.get(options.spec);
      if (loaded === undefined) {
        try {
          loaded = { doc: loadOpenapi(options.spec), ajv: newAjv() };
        } catch (err) {
          if (!(err instanceof ContractLoadError)) throw err;
          loaded = err;
        }
        this.#documents.set(options.spec, loaded);
      }
      if (loaded instanceof ContractLoadError) throw loaded;
      const contract = compileOperation(loaded.doc, loaded.ajv, options.operation, routeParams(route.path));
      return { filter: createContractFilter(contract, options, route.name ?? route.path) };
    } catch (err) {
      if (err instanceof ContractLoadError) return { key: err.key, message: err.message };
      throw err;
    }
  }
}

function routeParams(path: string): string[] {
  const parsed = parsePath(path);
  if (typeof parsed === 'string') return [];
  return parsed.segments.flatMap((segment) => segment.flatMap((part) => (part.kind === 'param' ? [part.name] : [])));
}
