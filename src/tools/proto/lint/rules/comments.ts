/** buf's COMMENTS and UNARY_RPC categories (not in STANDARD; opt in with `use`). */
import { elementsOf, type Element } from '../../elements.js';
import type { ProtoFile } from '../../../../proto/proto-file.js';
import type { LintRule, LintRuleContext } from '../rule.js';
import { isSyntheticOneof } from './naming.js';

type Pick = (file: ProtoFile) => readonly Element<{ name?: string }>[];

function commentRule(id: string, what: string, pick: Pick): LintRule {
  return {
    id,
    categories: ['COMMENTS'],
    purpose: `${what}s have non-empty leading comments`,
    check(ctx: LintRuleContext) {
      for (const file of ctx.targets) {
        for (const e of pick(file)) {
          // A comment holding nothing but lint directives documents nothing (buf reads it the same way).
          const comment = (file.source.get(e.path)?.leadingComments ?? '')
            .split('\n')
            .filter((line) => !line.trim().startsWith('buf:lint:ignore'))
            .join('\n');
          if (comment.trim() !== '') continue;
          ctx.report(file, e.path, `${what[0]?.toUpperCase()}${what.slice(1)} "${e.desc.name}" should have a non-empty comment for documentation.`);
        }
      }
    },
  };
}

export const commentRules: readonly LintRule[] = [
  commentRule('COMMENT_ENUM', 'enum', (f) => elementsOf(f).enums),
  commentRule('COMMENT_ENUM_VALUE', 'enum value', (f) => elementsOf(f).enumValues),
  commentRule('COMMENT_FIELD', 'field', (f) => elementsOf(f).fields.filter((x) => !x.message.isMapEntry)),
  commentRule('COMMENT_MESSAGE', 'message', (f) => elementsOf(f).messages.filter((x) => !x.isMapEntry)),
  commentRule('COMMENT_ONEOF', 'oneof', (f) => elementsOf(f).oneofs.filter((o) => !isSyntheticOneof(o.message.desc, o.index))),
  commentRule('COMMENT_RPC', 'RPC', (f) => elementsOf(f).methods),
  commentRule('COMMENT_SERVICE', 'service', (f) => elementsOf(f).services),
];

/** RPC_NO_CLIENT_STREAMING and RPC_NO_SERVER_STREAMING. */
function noStreamingRule(side: 'client' | 'server'): LintRule {
  return {
    id: `RPC_NO_${side.toUpperCase()}_STREAMING`,
    categories: ['UNARY_RPC'],
    purpose: `RPCs are not ${side} streaming`,
    check(ctx) {
      for (const file of ctx.targets) {
        for (const m of elementsOf(file).methods) {
          const streaming = side === 'client' ? m.desc.clientStreaming : m.desc.serverStreaming;
          if (streaming === true) ctx.report(file, m.path, `RPC "${m.desc.name}" is ${side} streaming.`);
        }
      }
    },
  };
}

export const unaryRules: readonly LintRule[] = [noStreamingRule('client'), noStreamingRule('server')];
