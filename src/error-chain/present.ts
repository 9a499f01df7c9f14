/**
 * What a client is shown of an error: the config's `errors.map` rules give the answer a public
 * type, title and status (an upstream's `DomainException` as 422, a gRPC NOT_FOUND as 404: the
 * table a team keeps between its Go errors and its PHP exceptions), and `expose: public` keeps
 * only what a hop meant to say (source, type, title, status, code) — no details, file paths,
 * lines, stacks or upstream addresses. The header carries the same chain with the gateway's own
 * problem in front, as every hop's header starts with its own error.
 */
import type { ChainLink } from '../errors.js';
import type { ErrorMapRule, ErrorsConfig } from '../config/types.js';
import { encodeChain } from './header-codec.js';

/** The problem members presentation reads and may change. */
export interface PresentedProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  chain: readonly ChainLink[];
  [member: string]: unknown;
}

const PUBLIC_MEMBERS = ['source', 'type', 'title', 'status', 'code'] as const;

/** Applies the mapping rules and the exposure to `problem` in place. */
export function presentProblem(problem: PresentedProblem, policy: ErrorsConfig | undefined): PresentedProblem {
  if (policy === undefined) return problem;
  const rule = findRule(policy.map, [gatewayLink(problem), ...problem.chain]);
  if (rule !== undefined) {
    if (rule.type !== undefined) problem.type = rule.type;
    if (rule.title !== undefined) problem.title = rule.title;
    if (rule.status !== undefined) problem.status = rule.status;
  }
  if (policy.expose === 'public') {
    problem.detail = problem.title;
    problem.chain = problem.chain.map(publicLink);
  }
  return problem;
}

/** The `X-Error-Chain` value of a gateway error: its own problem, then its chain. */
export function chainHeaderOf(problem: PresentedProblem): string {
  return encodeChain([gatewayLink(problem), ...problem.chain]);
}

export function publicLink(link: ChainLink): ChainLink {
  const kept: Record<string, unknown> = {};
  for (const key of PUBLIC_MEMBERS) if (link[key] !== undefined) kept[key] = link[key];
  return { ...kept, source: link.source, detail: link.title ?? '' } as ChainLink;
}

/** A chain (an upstream's, passed on) as a client with `policy` may see it. */
export function exposedChain(links: readonly ChainLink[], policy: ErrorsConfig | undefined): readonly ChainLink[] {
  return policy?.expose === 'public' ? links.map(publicLink) : links;
}

function gatewayLink(problem: PresentedProblem): ChainLink {
  return { source: 'gateway', type: problem.type, title: problem.title, status: problem.status, code: problem.code, detail: problem.detail };
}

function findRule(rules: readonly ErrorMapRule[], links: readonly ChainLink[]): ErrorMapRule | undefined {
  return rules.find((rule) => links.some((link) => matches(rule.match, link)));
}

function matches(match: ErrorMapRule['match'], link: ChainLink): boolean {
  for (const [key, wanted] of Object.entries(match)) {
    const value = link[key];
    // gRPC codes may be numbers or names; problem codes are strings: compared as text.
    if (value === undefined || String(value) !== String(wanted)) return false;
  }
  return true;
}
