/**
 * `switchyard rollout status|pause|resume|promote|abort|undo [ROUTE] [--admin URL] [--token T] [--json]`
 * (SPEC sections 1 and 6): drives a rollout through the admin API of a running gateway, so it
 * works against any instance, whichever process holds the rollout. ROUTE may be left out when
 * the gateway runs one rollout. Refusals (unknown route, an action the state does not allow,
 * a wrong token) are the API's problem detail and code on one line, exit 1.
 */
import { Command } from 'commander';
import { request } from 'undici';
import { SwitchyardError, type ErrorCode } from '../../errors.js';
import type { RolloutView } from '../../delivery/delivery.js';
import type { CommandContext } from '../io.js';

const DEFAULT_ADMIN = 'http://127.0.0.1:9901';
const ACTIONS = {
  pause: 'hold the weight and stop judging',
  resume: 'judge a paused rollout again, on fresh samples',
  promote: 'go to the next step (--full: all traffic to the canary)',
  abort: 'send all traffic back to the baseline and stop',
  undo: 'go back to the state before the last transition',
} as const;

interface Options {
  admin?: string;
  token?: string;
  json?: boolean;
  full?: boolean;
}

export function rolloutCommand(ctx: CommandContext): Command {
  const rollout = new Command('rollout').description('show and drive rollouts through the admin API (docs/delivery.md)');
  const common = (command: Command) =>
    command
      .option('--admin <url>', `the gateway's admin listener (default $SWITCHYARD_ADMIN_URL or ${DEFAULT_ADMIN})`)
      .option('--token <token>', 'admin token: the read token shows, actions need the write token (default $SWITCHYARD_ADMIN_TOKEN)')
      .option('--json', 'print JSON');
  common(rollout.command('status').argument('[route]', 'one rollout by route name (default: all)').description('state, step, weight and recent decisions')).action(async (route: string | undefined, opts: Options) => {
    const { rollouts } = (await call(ctx, opts, 'GET', '/admin/rollouts')) as { rollouts: RolloutView[] };
    const shown = route === undefined ? rollouts : rollouts.filter((r) => r.route === route);
    if (route !== undefined && shown.length === 0) throw new SwitchyardError('SY_ERR_ROLLOUT_NOT_FOUND', `no rollout on a route named '${route}'${rollouts.length > 0 ? ` (rollouts: ${rollouts.map((r) => r.route).join(', ')})` : ''}`);
    if (opts.json === true) ctx.io.stdout.write(`${JSON.stringify({ rollouts: shown }, null, 2)}\n`);
    else ctx.io.stdout.write(shown.length === 0 ? 'no rollouts\n' : `${shown.map((r) => describe(r, route === undefined ? 3 : 10)).join('\n')}\n`);
  });
  for (const [action, description] of Object.entries(ACTIONS)) {
    const command = common(rollout.command(action).argument('[route]', 'route name (default: the only rollout)').description(description));
    if (action === 'promote') command.option('--full', 'skip the remaining steps: all traffic to the canary');
    command.action(async (route: string | undefined, opts: Options) => {
      const name = route ?? (await onlyRollout(ctx, opts));
      const query = opts.full === true ? '?full=true' : '';
      const { rollout: after } = (await call(ctx, opts, 'POST', `/admin/rollouts/${encodeURIComponent(name)}/${action}${query}`)) as { rollout: RolloutView };
      ctx.io.stdout.write(opts.json === true ? `${JSON.stringify({ rollout: after }, null, 2)}\n` : `${describe(after, 1)}\n`);
    });
  }
  return rollout;
}

async function onlyRollout(ctx: CommandContext, opts: Options): Promise<string> {
  const { rollouts } = (await call(ctx, opts, 'GET', '/admin/rollouts')) as { rollouts: RolloutView[] };
  const only = rollouts[0];
  if (rollouts.length !== 1 || only === undefined) {
    throw new SwitchyardError('SY_ERR_CLI_USAGE', rollouts.length === 0 ? 'the gateway runs no rollout' : `name the route: the gateway runs ${rollouts.length} rollouts (${rollouts.map((r) => r.route).join(', ')})`);
  }
  return only.route;
}

async function call(ctx: CommandContext, opts: Options, method: 'GET' | 'POST', path: string): Promise<unknown> {
  const base = (opts.admin ?? ctx.io.env['SWITCHYARD_ADMIN_URL'] ?? DEFAULT_ADMIN).replace(/\/+$/, '');
  const token = opts.token ?? ctx.io.env['SWITCHYARD_ADMIN_TOKEN'];
  let status: number;
  let text: string;
  try {
    const res = await request(`${base}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, headersTimeout: 10_000, bodyTimeout: 10_000 });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw new SwitchyardError('SY_ERR_ADMIN_UNREACHABLE', `cannot reach the admin API at ${base}: ${(err as Error).message}`);
  }
  let body: { code?: string; detail?: string } & Record<string, unknown>;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new SwitchyardError('SY_ERR_ADMIN_UNREACHABLE', `${base}${path} answered ${status} with something that is not JSON: is --admin the admin listener?`);
  }
  if (status !== 200) throw new SwitchyardError((body.code ?? 'SY_ERR_ADMIN_UNREACHABLE') as ErrorCode, body.detail ?? `${method} ${path} answered ${status}`);
  return body;
}

function describe(r: RolloutView, decisions: number): string {
  const lines = [`${r.route}: ${r.state}, step ${r.step + 1}/${r.steps.length}, ${r.weight}% to ${r.canary}`];
  for (const d of r.decisions.slice(-decisions)) {
    const numbers = d.metric === null ? (d.detail ?? '') : `canary ${format(d.canary)} baseline ${format(d.baseline)} threshold ${format(d.threshold)}${d.detail === undefined ? '' : ` (${d.detail})`}`;
    lines.push(`  ${d.time} step ${d.step + 1} ${d.by} ${d.metric ?? '-'} ${d.verdict ?? '-'} -> ${d.action} ${numbers}`.trimEnd());
  }
  return lines.join('\n');
}

function format(n: number | null): string {
  return n === null ? '-' : Number.isInteger(n) ? String(n) : n.toPrecision(3);
}
