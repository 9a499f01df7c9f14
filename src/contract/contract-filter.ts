/**
 * Edge validation (SPEC section 9): a route with `openapi:` checks requests before they reach
 * the upstream and responses before they reach the client, against its operation. A bad request
 * is answered 400 `SY_ERR_CONTRACT_REQUEST` listing every violation; a bad response is counted and
 * logged and passed on, or with `enforce: true` replaced by 502 `SY_ERR_CONTRACT_RESPONSE`, so
 * drift between what PHP answers and what the contract promises shows at the edge.
 *
 * A JSON request body is read whole (up to the route's body limit) and handed on as
 * `exchange.body`. A response is held for its check up to RESPONSE_BODY_LIMIT bytes; a larger
 * one streams on with only its status and media type checked.
 */
import type { Filter } from '../filters/filter.js';
import { captureResponse, headField, type HeadFields, type HeldResponse } from '../filters/response-capture.js';
import type { Exchange } from '../listener/exchange.js';
import { isGatewayAnswer, sendProblem } from '../listener/problem.js';
import { SwitchyardError } from '../errors.js';
import { readBodyPrefix } from '../shield/body-prefix.js';
import { channels, type ContractViolationMessage } from '../telemetry/channels.js';
import type { RouteOpenapiConfig } from '../config/types.js';
import { isJsonMediaType, responseFor, violationsOf, type OperationContract, type Violation } from './operation-contract.js';
import { requestValues } from './request-values.js';

/** Response bytes held for validation at most. */
export const RESPONSE_BODY_LIMIT = 256 * 1024;

export function createContractFilter(contract: OperationContract, options: RouteOpenapiConfig, routeLabel: string): Filter {
  const checkRequests = options.validate.includes('request');
  const checkResponses = options.validate.includes('response');
  return async (exchange, next) => {
    if (checkRequests) {
      const violations = await requestViolations(exchange, contract);
      if (violations.length > 0) {
        report(exchange, routeLabel, 'request', violations);
        throw new SwitchyardError('SY_ERR_CONTRACT_REQUEST', `request breaks ${contract.operationId}: ${summary(violations)}`, { members: { errors: violations } });
      }
    }
    if (!checkResponses) return next();
    const capture = captureResponse(exchange, {
      limit: RESPONSE_BODY_LIMIT,
      hold: (status, headers) => {
        if (isGatewayAnswer(exchange)) return false;
        const early = headViolations(contract, status, headers);
        if (early === undefined) return true;
        if (early.length > 0) report(exchange, routeLabel, 'response', early);
        // A head that already breaks the contract is held only to be replaced.
        return early.length > 0 && options.enforce;
      },
      release: (held) => {
        const early = headViolations(contract, held.status, held.headers);
        const violations = early ?? bodyViolations(exchange, contract, held);
        if (violations.length === 0) return false;
        // Violations of the head were reported when it came.
        if (early === undefined) report(exchange, routeLabel, 'response', violations);
        if (!options.enforce) return false;
        sendProblem(
          exchange,
          new SwitchyardError('SY_ERR_CONTRACT_RESPONSE', `upstream ${exchange.match?.route.to ?? ''} answered ${held.status}, which breaks ${contract.operationId}: ${summary(violations)}`, {
            members: { errors: violations },
          }),
        );
        return true;
      },
      overflow: (status) => exchange.log.debug({ status, limit: RESPONSE_BODY_LIMIT }, 'response body over the validation limit passed on unchecked'),
    });
    try {
      await next();
    } finally {
      capture.stop();
    }
  };
}

async function requestViolations(exchange: Exchange, contract: OperationContract): Promise<Violation[]> {
  const values = requestValues(exchange, contract.parameters);
  const found: Violation[] = [];
  const { headers } = exchange.req;
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (hasBody && contract.requestMediaTypes.length > 0) {
    const type = headers['content-type'] ?? '';
    if (isJsonMediaType(type) && contract.jsonBody) {
      const bytes = await wholeBody(exchange);
      try {
        values.body = JSON.parse(bytes.toString('utf8'));
      } catch (err) {
        found.push({ pointer: '/body', message: `is not JSON (${(err as Error).message})` });
      }
    } else if (!contract.requestMediaTypes.some((m) => sameMediaType(m, type))) {
      found.push({ pointer: '/headers/content-type', message: `must be one of ${contract.requestMediaTypes.join(', ')}` });
    }
  }
  if (!contract.validateRequest(values)) {
    // A body that is not JSON is one violation, not also a missing one.
    found.push(...violationsOf(contract.validateRequest.errors).filter((v) => !(v.pointer === '/body' && found.some((f) => f.pointer === '/body'))));
  }
  return found;
}

/** The request body, read once and handed on to the upstream as `exchange.body`. */
async function wholeBody(exchange: Exchange): Promise<Buffer> {
  if (exchange.body !== undefined) return exchange.body;
  const limit = exchange.match?.route.bodySize ?? Number.MAX_SAFE_INTEGER;
  let prefix;
  try {
    prefix = await readBodyPrefix(exchange.req, limit + 1);
  } catch (err) {
    throw new SwitchyardError('SY_ERR_BAD_REQUEST', 'request body ended before it was complete', { cause: err });
  }
  if (!prefix.complete) throw new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body exceeds the route limit of ${limit} bytes`, { headers: { connection: 'close' } });
  exchange.body = prefix.bytes;
  return prefix.bytes;
}

/**
 * What the head alone shows: violations ([] for none) when the body needs no look, or undefined
 * when the body must be read to know (a declared JSON response schema and a JSON answer).
 */
function headViolations(contract: OperationContract, status: number, headers: HeadFields): Violation[] | undefined {
  const declared = responseFor(contract, status);
  if (declared === undefined) return [{ pointer: '/status', message: `${status} is not a status ${contract.operationId} declares` }];
  const type = headField(headers, 'content-type');
  if (declared.mediaTypes.length === 0 || type === undefined) return [];
  if (!declared.mediaTypes.some((m) => sameMediaType(m, type))) return [{ pointer: '/headers/content-type', message: `must be one of ${declared.mediaTypes.join(', ')}` }];
  return declared.validate !== undefined && isJsonMediaType(type) ? undefined : [];
}

/** The held body against the declared schema of its status. */
function bodyViolations(exchange: Exchange, contract: OperationContract, held: HeldResponse): Violation[] {
  if (exchange.req.method === 'HEAD' || held.status === 204 || held.status === 304) return [];
  const validate = responseFor(contract, held.status)?.validate;
  if (validate === undefined) return [];
  let body: unknown;
  try {
    body = JSON.parse(held.body.toString('utf8'));
  } catch (err) {
    return [{ pointer: '/body', message: `is not JSON (${(err as Error).message})` }];
  }
  return validate({ body }) ? [] : violationsOf(validate.errors);
}

function report(exchange: Exchange, route: string, side: 'request' | 'response', violations: readonly Violation[]): void {
  exchange.log.warn({ route, side, errors: violations.slice(0, 20) }, `${side} breaks the api contract`);
  if (channels.contractViolation.hasSubscribers) channels.contractViolation.publish({ exchange, route, side, violations: violations.length } satisfies ContractViolationMessage);
}

function summary(violations: readonly Violation[]): string {
  const first = violations.slice(0, 3).map((v) => `${v.pointer} ${v.message}`);
  return first.join('; ') + (violations.length > 3 ? ` and ${violations.length - 3} more` : '');
}

function sameMediaType(declared: string, actual: string): boolean {
  const a = actual.split(';')[0]?.trim().toLowerCase() ?? '';
  const d = declared.toLowerCase();
  if (d === '*/*' || d === a) return true;
  return d.endsWith('/*') && a.startsWith(d.slice(0, -1));
}
