/** buf's service rules: service suffix, standard request/response names, one RPC per message. */
import { elementsOf, type MethodElement } from '../../elements.js';
import { METHOD, SERVICE } from '../../descriptor-paths.js';
import type { LintOptions } from '../../config.js';
import { addTo } from '../../../../group-by.js';
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
    purpose: 'each message is the request or response of at most one RPC',
    check(ctx) {
      const uses = new Map<string, MethodElement[]>();
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const req = fqn(m.desc.inputType);
          const res = fqn(m.desc.outputType);
          const same = req === res && ctx.options.rpcAllowSameRequestResponse;
          if (!(ctx.options.rpcAllowEmptyRequests && req === EMPTY)) addTo(uses, req, m);
          if (!same && !(ctx.options.rpcAllowEmptyResponses && res === EMPTY)) addTo(uses, res, m);
        }
      }
      // Reported once per RPC, at the RPC (as buf does), however many of its types are shared.
      const reported = new Set<MethodElement>();
      for (const [type, list] of uses) {
        if (list.length < 2) continue;
        for (const m of list) {
          if (reported.has(m)) continue;
          reported.add(m);
          ctx.report(m.file, m.path, `"${type}" is used as the request or response type for multiple RPCs.`);
        }
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
          const short = `${m.desc.name}${suffix}`;
          const long = `${m.service.desc.name}${short}`;
          if (name === short || name === long) continue;
          ctx.report(file, [...m.path, side.at], `RPC ${side.word} type "${name}" should be named "${short}" or "${long}".`, [m.path]);
        }
      }
    },
  };
}
