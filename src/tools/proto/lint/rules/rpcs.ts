/** buf's service rules: service suffix, standard request/response names, one RPC per message. */
import { elementsOf, type MethodElement } from '../../elements.js';
import { METHOD, SERVICE } from '../../descriptor-paths.js';
import { STANDARD, type LintRule } from '../rule.js';

const EMPTY = 'google.protobuf.Empty';
const shortName = (typeName: string): string => typeName.split('.').pop() ?? '';
const fqn = (typeName: string | undefined): string => (typeName ?? '').replace(/^\./, '');

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
  {
    id: 'RPC_REQUEST_STANDARD_NAME',
    categories: STANDARD,
    purpose: 'request messages are named RpcNameRequest or ServiceNameRpcNameRequest',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const type = fqn(m.desc.inputType);
          if (ctx.options.rpcAllowEmptyRequests && type === EMPTY) continue;
          if (standardName(m, type, 'Request')) continue;
          ctx.report(file, [...m.path, METHOD.inputType], `RPC request type "${shortName(type)}" should be named "${m.desc.name}Request" or "${m.service.desc.name}${m.desc.name}Request".`, [m.path]);
        }
      }
    },
  },
  {
    id: 'RPC_RESPONSE_STANDARD_NAME',
    categories: STANDARD,
    purpose: 'response messages are named RpcNameResponse or ServiceNameRpcNameResponse',
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const type = fqn(m.desc.outputType);
          if (ctx.options.rpcAllowEmptyResponses && type === EMPTY) continue;
          if (standardName(m, type, 'Response')) continue;
          ctx.report(file, [...m.path, METHOD.outputType], `RPC response type "${shortName(type)}" should be named "${m.desc.name}Response" or "${m.service.desc.name}${m.desc.name}Response".`, [m.path]);
        }
      }
    },
  },
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
          if (!(ctx.options.rpcAllowEmptyRequests && req === EMPTY)) push(uses, req, m);
          if (!same && !(ctx.options.rpcAllowEmptyResponses && res === EMPTY)) push(uses, res, m);
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

function standardName(m: MethodElement, type: string, suffix: string): boolean {
  const name = shortName(type);
  return name === `${m.desc.name}${suffix}` || name === `${m.service.desc.name}${m.desc.name}${suffix}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
