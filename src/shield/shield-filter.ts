/**
 * The shield as a filter: it runs first in a route's chain, before any middleware and the
 * FastCGI upstream, so a blocked request never reaches PHP. Request rules read the head's facts,
 * value rules read query arguments, cookies and chosen headers, then (when the request has one,
 * and its type is one PHP parses or an application reads) the first BODY_INSPECTED bytes of the
 * body. A match of a rule in `block` mode answers 403 (`SY_ERR_SHIELD_BLOCKED`; 400
 * `SY_ERR_SHIELD_FRAMING` for framing rules) with the rule id; every match writes an audit line
 * and is published on `switchyard:shield:match` for the metrics. Rules act one by one, as CRS's
 * self-contained mode does, not through an anomaly score: the rule id in a 403 is the reason.
 */
import { SwitchyardError } from '../errors.js';
import type { Filter } from '../filters/filter.js';
import type { Exchange } from '../listener/exchange.js';
import { channels, type ShieldMatchMessage } from '../telemetry/channels.js';
import { bodyParts } from './body-parts.js';
import { readBodyPrefix } from './body-prefix.js';
import type { ShieldRule, ValueKind } from './catalogue.js';
import type { Active, ShieldPolicy } from './policy.js';
import { headValues, Inspected, requestFacts } from './request-view.js';

/** Bytes of a body the shield inspects: a body up to this size whole, a longer one its start. */
export const BODY_INSPECTED = 64 * 1024;

/** Body types whose fields or text reach PHP's $_POST or an application's php://input reader. */
const INSPECTED_BODY = /^(?:application\/(?:x-www-form-urlencoded|json|[\w.+-]*\+json|xml|[\w.+-]*\+xml)|multipart\/form-data|text\/)/i;

export function createShieldFilter(policy: ShieldPolicy): Filter {
  return async (exchange, next) => {
    const facts = requestFacts(exchange, policy.maxUrlLength);
    for (const active of policy.requestRules) {
      const part = active.rule.check(facts);
      if (part !== undefined) matched(exchange, active, part, facts.url);
    }
    const values = headValues(exchange);
    for (const value of values) inspect(exchange, policy, value);
    if (policy.inspectsBody && hasBody(exchange)) {
      const type = exchange.req.headers['content-type'] ?? '';
      if (type === '' || INSPECTED_BODY.test(type)) await inspectBody(exchange, policy, type);
    }
    await next();
  };
}

function hasBody(exchange: Exchange): boolean {
  const { headers } = exchange.req;
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
}

async function inspectBody(exchange: Exchange, policy: ShieldPolicy, type: string): Promise<void> {
  const { req } = exchange;
  let prefix;
  try {
    prefix = await readBodyPrefix(req, BODY_INSPECTED);
  } catch (err) {
    throw new SwitchyardError('SY_ERR_BAD_REQUEST', 'request body ended before it was complete', { cause: err });
  }
  if (prefix.complete) {
    const declared = req.headers['content-length'];
    if (declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) !== prefix.bytes.length) {
      throw new SwitchyardError('SY_ERR_BAD_REQUEST', `request body ended after ${prefix.bytes.length} of its ${declared} bytes (content-length)`);
    }
    const limit = exchange.match?.route.bodySize;
    if (limit !== undefined && prefix.bytes.length > limit) throw new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body sent chunked exceeds the route limit of ${limit} bytes`);
    exchange.body = prefix.bytes;
  }
  const parts = type === '' || /^text\//i.test(type) ? [{ name: 'REQUEST_BODY', value: prefix.bytes.toString('utf8'), plus: false, kind: 'arg' as const }] : bodyParts(type, prefix.bytes);
  for (const part of parts) {
    const kind: ValueKind = part.kind === 'file-name' ? 'file-name' : part.name.endsWith('_NAMES') ? 'arg-name' : 'arg';
    inspect(exchange, policy, new Inspected(part.name, kind, '', part.value, part.plus));
  }
}

function inspect(exchange: Exchange, policy: ShieldPolicy, value: Inspected): void {
  const rules = (value.plainWord ? policy.plainValueRules : policy.valueRules).get(value.kind);
  if (rules === undefined) return;
  for (const active of rules) if (active.rule.check(value)) matched(exchange, active, value.part, value.raw);
}

/** Writes the audit line and publishes the match; throws the block when the rule blocks. */
function matched(exchange: Exchange, active: Active<ShieldRule>, part: string, data: string): void {
  const { rule, mode } = active;
  const action = mode === 'block' ? 'block' : 'log';
  exchange.log.warn(
    { shield: { rule: rule.id, category: rule.category, paranoia: rule.paranoia, action, part, data: data.slice(0, 128), requestId: exchange.id } },
    action === 'block' ? `shield rule ${rule.id} blocked the request` : `shield rule ${rule.id} matched (log only)`,
  );
  if (channels.shieldMatch.hasSubscribers) channels.shieldMatch.publish({ exchange, rule: rule.id, category: rule.category, action, part } satisfies ShieldMatchMessage);
  if (action === 'log') return;
  throw new SwitchyardError(rule.framing === true ? 'SY_ERR_SHIELD_FRAMING' : 'SY_ERR_SHIELD_BLOCKED', `shield rule ${rule.id} (${rule.category}) matched ${part}: ${rule.description}`, {
    members: { rule: rule.id, category: rule.category },
    // A body the shield did not read is not read at all: the connection cannot be reused.
    ...(rule.framing === true ? { headers: { connection: 'close' } } : {}),
  });
}
