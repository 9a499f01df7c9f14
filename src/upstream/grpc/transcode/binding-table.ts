/**
 * Finds the binding of a request, as grpc-gateway v2's ServeMux does (runtime/mux.go):
 *
 * - the bindings of the request's method are tried last-registered first ("last match wins":
 *   a later method or additional binding beats an earlier one; grpc-gateway gives a literal
 *   segment no precedence over a variable, so the proto's order decides);
 * - a template with a verb only matches a last segment ending in `:verb`; a last segment that
 *   is only `:verb` ends the search with 404;
 * - when no binding of the method matches but one of another method does, the answer is
 *   grpc-gateway's 405, which its routing error handler turns into UNIMPLEMENTED (HTTP 501);
 * - otherwise NOT_FOUND (404).
 *
 * HEAD is looked up as GET (the router answers HEAD on GET routes; the body is left out).
 */
import type { Binding } from './bindings.js';
import { matchPathTemplate, type PathValues } from './path-template.js';

export type BindingMatch =
  | { readonly kind: 'found'; readonly binding: Binding; readonly values: PathValues }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found' };

export class BindingTable {
  readonly #byMethod = new Map<string, Binding[]>();

  constructor(bindings: readonly Binding[]) {
    for (const b of bindings) {
      const list = this.#byMethod.get(b.httpMethod) ?? [];
      list.unshift(b);
      this.#byMethod.set(b.httpMethod, list);
    }
  }

  match(method: string, components: readonly string[]): BindingMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const last = components[components.length - 1] ?? '';
    for (const binding of this.#byMethod.get(wanted) ?? []) {
      const verb = binding.template.verb;
      if (verb !== undefined && last === `:${verb}`) return { kind: 'not-found' };
      const values = matchPathTemplate(binding.template, components);
      if (values !== undefined) return { kind: 'found', binding, values };
    }
    for (const [other, bindings] of this.#byMethod) {
      if (other === wanted) continue;
      if (bindings.some((b) => matchPathTemplate(b.template, components) !== undefined)) return { kind: 'method-not-allowed' };
    }
    return { kind: 'not-found' };
  }
}
