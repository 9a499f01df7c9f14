/** buf's service rules: service suffix, standard request/response names, one RPC per message. */
import { elementsOf, type MethodElement } from '../../elements.js';
import { METHOD, SERVICE } from '../../descriptor-paths.js';
import type { LintOptions } from '../../config.js';
import { toPascalCase } from '../naming-case.js';
import { STANDARD, type LintRule } from '../rule.js';

const EMPTY = 'google.protobuf.Empty';
const shortName = (typeName: string): string => typeName.split('.').pop() ?? '';
const fqn = (typeName: string | undefined): string => (typeName ?? '').replace(/^\./, '');

/** The two sides of an RPC, for rules that read either one the same way. */
const SIDES = {
  Request: { word: 'request', type: (m: MethodElement) => m.desc.inputType, at: METHOD.inputType, allowEmpty: (o: LintOptions) => o.rpcAllowEmptyRequests },
  Response: { word: 'response', type: (m: MethodElement) => m.desc.outputType, at: METHOD.outputType, allowEmpty: (o: LintOptions) => o.rpcAllowEmptyResponses },
} as const;

export const rpcRules: readonly LintRule[] = [
  {
    id: 'SERVICE_SUFFIX',
    categories: STANDARD,
    purpose: 'service names end in the configured suffix (default Service)',
    check(ctx) {
      const suffix = ctx.options.serviceSuffix;
      for (const file of ctx.targets) {
        for (const s of elementsOf(file).services) {
          if ((s.desc.name ?? '').endsWith(suffix)) continue;
          ctx.report(file, [...s.path, SERVICE.name], `Service name "${s.desc.name}" should be suffixed with "${suffix}".`, [s.path]);
        }
      }
    },
  },
  standardNameRule('Request'),
  standardNameRule('Response'),
  {
    id: 'RPC_REQUEST_RESPONSE_UNIQUE',
    categories: STANDARD,
    purpose: 'each message is the request or response of at most one RPC, and not both sides of one',
    check(ctx) {
      const o = ctx.options;
      // Type -> the RPCs using it; a set, so an RPC with the type on both sides counts once.
      const uses = new Map<string, Set<MethodElement>>();
      const use = (type: string, m: MethodElement): void => {
        let set = uses.get(type);
        if (set === undefined) uses.set(type, (set = new Set()));
        set.add(m);
      };
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const req = fqn(m.desc.inputType);
          const res = fqn(m.desc.outputType);
          // buf: one type on both sides is its own finding, unless allowed (Empty -> Empty is allowed when both Empty options are on).
          const emptyBothAllowed = req === EMPTY && o.rpcAllowEmptyRequests && o.rpcAllowEmptyResponses;
          if (req === res && !o.rpcAllowSameRequestResponse && !emptyBothAllowed) {
            ctx.report(file, m.path, `RPC "${m.desc.name}" has the same type "${req}" for the request and response.`);
          }
          // An allowed Empty side does not count as a use; the other side of Empty still does.
          if (!(req === EMPTY && o.rpcAllowEmptyRequests)) use(req, m);
          if (!(res === EMPTY && o.rpcAllowEmptyResponses)) use(res, m);
        }
      }
      // buf reports once per shared type per RPC: an RPC sharing both its types gets two findings.
      for (const [type, methods] of uses) {
        if (methods.size < 2) continue;
        const side = type !== EMPTY ? 'request or response type' : o.rpcAllowEmptyRequests ? 'response' : o.rpcAllowEmptyResponses ? 'request' : 'request or response type';
        for (const m of methods) ctx.report(m.file, m.path, `"${type}" is used as the ${side} for multiple RPCs.`);
      }
    },
  },
];

/** RPC_REQUEST_STANDARD_NAME and RPC_RESPONSE_STANDARD_NAME. */
function standardNameRule(suffix: keyof typeof SIDES): LintRule {
  const side = SIDES[suffix];
  return {
    id: `RPC_${suffix.toUpperCase()}_STANDARD_NAME`,
    categories: STANDARD,
    purpose: `${side.word} messages are named RpcName${suffix} or ServiceNameRpcName${suffix}`,
    check(ctx) {
      const allowEmpty = side.allowEmpty(ctx.options);
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const type = fqn(side.type(m));
          if (allowEmpty && type === EMPTY) continue;
          const name = shortName(type);
          // buf compares with the PascalCase forms: `rpc get_thing` in `echo_service` expects GetThingRequest or EchoServiceGetThingRequest.
          const short = `${toPascalCase(m.desc.name ?? '')}${suffix}`;
          const long = `${toPascalCase(m.service.desc.name ?? '')}${short}`;
          if (name === short || name === long) continue;
          ctx.report(file, [...m.path, side.at], `RPC ${side.word} type "${name}" should be named "${short}" or "${long}".`, [m.path]);
        }
      }
    },
  };
}
