/** Breaking rules about services kept under the same full name: RPCs, their types, streaming, idempotency. */
import { MethodOptionsSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import { METHOD } from '../descriptor-paths.js';
import { elementsOf, type MethodElement, type ServiceElement } from '../elements.js';
import { FILE_PACKAGE, WIRE_AND_UP, forPairs, type BreakingRule, type BreakingRuleContext } from './rule.js';

const IDEMPOTENCY = ['IDEMPOTENCY_UNKNOWN', 'NO_SIDE_EFFECTS', 'IDEMPOTENT'];

function methodsOf(service: ServiceElement): Map<string, MethodElement> {
  return new Map(elementsOf(service.file).methods.filter((m) => m.service === service).map((m) => [m.desc.name ?? '', m]));
}

function forMethodPairs(ctx: BreakingRuleContext, fn: (method: MethodElement, previous: MethodElement) => void): void {
  forPairs(ctx.previous.services, ctx.current.services, (service, previous) => forPairs(methodsOf(previous), methodsOf(service), fn));
}

function streaming(id: string, side: 'client' | 'server'): BreakingRule {
  return {
    id,
    categories: WIRE_AND_UP,
    check(ctx) {
      forMethodPairs(ctx, (method, previous) => {
        const read = (m: MethodElement): boolean => (side === 'client' ? m.desc.clientStreaming : m.desc.serverStreaming) === true;
        if (read(previous) === read(method)) return;
        const word = (b: boolean): string => (b ? 'streaming' : 'unary');
        ctx.report(method.file, method.path, `RPC "${method.desc.name}" on service "${method.service.desc.name}" changed from ${side} ${word(read(previous))} to ${side} ${word(read(method))}.`, previous.file);
      });
    },
  };
}

function sameType(id: string, what: 'request' | 'response'): BreakingRule {
  return {
    id,
    categories: WIRE_AND_UP,
    check(ctx) {
      forMethodPairs(ctx, (method, previous) => {
        const read = (m: MethodElement): string => ((what === 'request' ? m.desc.inputType : m.desc.outputType) ?? '').replace(/^\./, '');
        if (read(previous) === read(method)) return;
        const at = [...method.path, what === 'request' ? METHOD.inputType : METHOD.outputType];
        ctx.report(method.file, at, `RPC "${method.desc.name}" on service "${method.service.desc.name}" changed ${what} type from "${read(previous)}" to "${read(method)}".`, previous.file);
      });
    },
  };
}

export const serviceRules: readonly BreakingRule[] = [
  {
    id: 'RPC_NO_DELETE',
    categories: FILE_PACKAGE,
    check(ctx) {
      forPairs(ctx.previous.services, ctx.current.services, (service, previous) => {
        const methods = methodsOf(service);
        for (const m of previous.desc.method) {
          if (!methods.has(m.name ?? '')) ctx.report(service.file, service.path, `Previously present RPC "${m.name}" on service "${service.desc.name}" was deleted.`, previous.file);
        }
      });
    },
  },
  streaming('RPC_SAME_CLIENT_STREAMING', 'client'),
  streaming('RPC_SAME_SERVER_STREAMING', 'server'),
  sameType('RPC_SAME_REQUEST_TYPE', 'request'),
  sameType('RPC_SAME_RESPONSE_TYPE', 'response'),
  {
    id: 'RPC_SAME_IDEMPOTENCY_LEVEL',
    categories: WIRE_AND_UP,
    check(ctx) {
      forMethodPairs(ctx, (method, previous) => {
        const before = previous.desc.options?.idempotencyLevel ?? 0;
        const after = method.desc.options?.idempotencyLevel ?? 0;
        if (before === after) return;
        const option = [...method.path, METHOD.options, MethodOptionsSchema.field.idempotencyLevel.number];
        const at = method.file.source.get(option) === undefined ? undefined : option;
        ctx.report(method.file, at, `RPC "${method.desc.name}" on service "${method.service.desc.name}" changed option "idempotency_level" from "${IDEMPOTENCY[before]}" to "${IDEMPOTENCY[after]}".`, previous.file);
      });
    },
  },
];
