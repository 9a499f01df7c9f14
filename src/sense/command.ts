/**
 * `switchyard sense [-c FILE]`: the kernel sensor (docs/sense.md), run as root beside the
 * gateway. A machine that cannot run it (not root, no bpftrace, tracefs not mountable) and a
 * config it cannot work with (no admin listener, no `sense` section) get one line and exit 1.
 * It runs until SIGTERM or SIGINT; events go to stdout as JSON lines, progress to stderr.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { CommandContext } from '../cli/io.js';
import { loadConfigFile } from '../config/load.js';
import { checkMachine, ensureTracefs } from './preflight.js';
import { Sensor } from './sensor.js';
import { sensorTargets } from './targets.js';

export function senseCommand(ctx: CommandContext): Command {
  return new Command('sense')
    .description('kernel sensor: report exec by php-fpm workers and TCP events on upstream ports to the gateway (root, bpftrace)')
    .option('-c, --config <file>', 'the gateway\'s config file', 'switchyard.yaml')
    .action(async (opts: { config: string }) => {
      const { io } = ctx;
      const notice = (line: string) => io.stderr.write(`switchyard sense: ${line}\n`);
      const bpftrace = checkMachine(io.env);
      const targets = sensorTargets((await loadConfigFile(resolve(io.cwd, opts.config), io.env)).config);
      const mounted = await ensureTracefs();
      if (mounted !== undefined) notice(mounted);
      const sensor = new Sensor({ bpftrace, targets, onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`), onNotice: notice });
      const { attached, done } = sensor.start();
      const stop = () => sensor.stop();
      process.on('SIGTERM', stop).on('SIGINT', stop);
      try {
        const probes = await attached;
        if (probes > 0) {
          const tcp = targets.ports.length > 0 ? `tcp to ports ${targets.ports.join(', ')}` : 'no tcp (no upstream port)';
          notice(`attached ${probes} tracepoints: exec by php-fpm workers (${targets.kill ? 'killed' : 'reported'}), ${tcp}; events to ${targets.admin.socketPath ?? targets.admin.url}/admin/sense`);
        }
        await done;
        notice(`stopped${sensor.malformed > 0 ? `; ${sensor.malformed} malformed lines skipped` : ''}`);
      } finally {
        process.off('SIGTERM', stop).off('SIGINT', stop);
      }
    });
}
