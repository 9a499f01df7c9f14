/**
 * The `google.api.http` bindings of the services in chosen files, as the gateway's transcoder
 * reads them (`readBindings`: templates parsed by its parser, variables and bodies resolved to
 * request fields, what grpc-gateway's generator refuses refused), numbered per method in
 * declaration order, the order grpc-gateway numbers operation ids in.
 */
import type { DescField, DescMethod } from '@bufbuild/protobuf';
import { SwitchyardError } from '../../../errors.js';
import { readBindings } from '../../../upstream/grpc/transcode/bindings.js';
import type { PathTemplate } from '../../../upstream/grpc/transcode/path-template.js';

export interface HttpBinding {
  readonly method: DescMethod;
  /** 0 for the rule itself, 1... for its additional bindings. */
  readonly index: number;
  /** `get`, `post`..., or a `custom` rule's kind lowercased. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** Each template variable's request fields, outermost first. */
  readonly variables: readonly (readonly DescField[])[];
  /** `*`, the request fields of a field body, or undefined for none. */
  readonly body: '*' | readonly DescField[] | undefined;
  /** The response field sent as the body, or undefined for the whole response. */
  readonly responseBody: DescField | undefined;
}

/** Every binding of every service declared in `files` (proto import paths) of the descriptor set. */
export function httpBindings(descriptors: Uint8Array, files: readonly string[]): HttpBinding[] {
  const { registry, bindings, problems } = readBindings(descriptors);
  const services = new Set(files.flatMap((name) => registry.getFile(name)?.services.map((s) => `${s.typeName}.`) ?? []));
  // A bad binding in an imported file is not this document's concern.
  const problem = problems.find((p) => [...services].some((s) => p.startsWith(s)));
  if (problem !== undefined) throw new SwitchyardError('SY_ERR_CONTRACT_HTTP_RULE', problem);
  const seen = new Map<DescMethod, number>();
  const out: HttpBinding[] = [];
  for (const b of bindings) {
    if (!services.has(`${b.method.parent.typeName}.`)) continue;
    const index = seen.get(b.method) ?? 0;
    seen.set(b.method, index + 1);
    out.push({
      method: b.method,
      index,
      httpMethod: b.httpMethod.toLowerCase(),
      template: b.template,
      variables: b.variables.map((v) => v.fields),
      body: b.body,
      responseBody: b.responseBody,
    });
  }
  return out;
}
