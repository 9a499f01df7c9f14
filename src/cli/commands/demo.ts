/**
 * `switchyard demo`: a self-contained migration in one command. It spawns php-fpm over
 * examples/legacy-php (a generated pool in a temp dir), starts the example TypeScript users
 * service and the example gRPC orders service, writes a config that sends /api/users/{id} to the
 * users service, the orders service's gRPC methods and its transcoded REST bindings to it, and
 * everything else to PHP, starts the gateway, and prints the URLs. Ctrl-C stops all of it. The
 * orders service needs @grpc/grpc-js (a development dependency): without it that part is left out.
 */
import { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../io.js';
import { isSwitchyardError } from '../../errors.js';
import { startGateway } from '../../gateway/start.js';
import { findPhpFpm, startPhpFpm } from '../../php-fpm/php-fpm-process.js';
import { startUsersService } from '../../../examples/users-service/server.js';
import { demoConfig } from '../demo/demo-config.js';

const LEGACY_ROOT = fileURLToPath(new URL('../../../../examples/legacy-php/public', import.meta.url));

function phpFpmInstalled(): boolean {
  try {
    findPhpFpm();
    return true;
  } catch (err) {
    if (isSwitchyardError(err) && err.code === 'SY_ERR_PHP_FPM_MISSING') return false;
    throw err;
  }
}

/** The gRPC orders service, when @grpc/grpc-js is installed. */
async function startOrders(ctx: CommandContext): Promise<{ url: string; protos: string; file: string; stop(): Promise<void> } | undefined> {
  let mod: typeof import('../../../examples/orders-service/server.js');
  try {
    mod = await import('../../../examples/orders-service/server.js');
  } catch {
    ctx.io.stderr.write('switchyard: @grpc/grpc-js is not installed, the demo runs without the gRPC orders service\n');
    return undefined;
  }
  const service = await mod.startOrdersService();
  return { url: service.url, protos: mod.ORDERS_PROTOS, file: mod.ORDERS_PROTO_FILE, stop: () => service.stop() };
}

export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo')
    .description('start php-fpm over examples/legacy-php, a TypeScript service and the gateway in front; print the URLs')
    .option('--listen <address>', 'gateway address', '127.0.0.1:8080')
    .option('--admin <address>', 'admin address (dashboard, metrics)', '127.0.0.1:9901')
    .option('--log-level <level>', 'operational log level', 'warn')
    .action(async (opts: { listen: string; admin: string; logLevel: string }) => {
      const dir = await mkdtemp(join(tmpdir(), 'switchyard-demo-'));
      const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
      try {
        const users = await startUsersService();
        cleanups.unshift(() => new Promise((resolve) => users.server.close(resolve)));
        const orders = await startOrders(ctx);
        if (orders !== undefined) cleanups.unshift(() => orders.stop());
        let phpSocket: string | undefined;
        if (!phpFpmInstalled()) {
          ctx.io.stderr.write('switchyard: php-fpm is not installed, the demo runs without the PHP app: apt-get install php8.2-fpm\n');
        } else {
          const fpm = await startPhpFpm({ root: LEGACY_ROOT, children: 4, statusPath: '/fpm-status' });
          cleanups.unshift(() => fpm.stop());
          phpSocket = fpm.socketPath;
        }
        const file = join(dir, 'switchyard.yaml');
        await writeFile(file, demoConfig({ listen: opts.listen, admin: opts.admin, usersUrl: users.url, phpSocket, legacyRoot: LEGACY_ROOT, accessLog: join(dir, 'access.log'), orders }));
        const running = await startGateway({ file, env: ctx.io.env, logLevel: opts.logLevel, logStream: ctx.io.stderr });
        const [url] = running.gateway.urls();
        const admin = running.adminUrl;
        ctx.io.stdout.write(
          [
            'Switchyard demo is running (Ctrl-C stops it).',
            phpSocket === undefined ? undefined : `  legacy PHP app      ${url}/`,
            `  migrated route      ${url}/api/users/1   (TypeScript service at ${users.url})`,
            orders === undefined ? undefined : `  gRPC, transcoded    ${url}/v1/orders/1001   (REST/JSON to the gRPC service at ${orders.url})`,
            orders === undefined ? undefined : `  gRPC, native        grpcurl -plaintext -import-path ${orders.protos} -proto ${orders.file} -d '{"order_id":"1001"}' ${new URL(url ?? 'http://127.0.0.1').host} orders.v1.OrderService/GetOrder`,
            phpSocket === undefined ? undefined : `  PHP-served page     ${url}/users/1`,
            admin === undefined ? undefined : `  dashboard           ${admin}/dashboard`,
            admin === undefined ? undefined : `  metrics             ${admin}/metrics`,
            `  config              ${file}`,
            `  access log          ${join(dir, 'access.log')}  (try: switchyard logs ${join(dir, 'access.log')})`,
            '',
          ]
            .filter((l) => l !== undefined)
            .join('\n'),
        );
        await running.stopped;
      } finally {
        for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      }
    });
}
