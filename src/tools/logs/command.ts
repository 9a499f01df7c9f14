/** `switchyard logs`: access-log analytics (SPEC section 7). Wiring only; the work is in analyse.ts. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SwitchyardError } from '../../errors.js';
import type { CommandContext } from '../../cli/io.js';
import { checkOptions, DEFAULTS, OUTPUTS, scanSettings, type RawOptions } from './options.js';
import { loadRenderer } from './report/render.js';
import type { Report } from './report/report.js';
import { EarlyWorkers } from './scan/early-workers.js';

export function logsCommand(ctx: CommandContext): Command {
  return new Command('logs')
    .description('access-log analytics: top IPs, paths, route patterns, status codes, latency, migration ranking')
    .argument('<file...>', 'log files (.gz accepted), or - for stdin')
    .option(
      '--format <format>',
      'auto, combined, common, vhost_combined, json, w3c, an nginx log_format string ($remote_addr ...) or an Apache LogFormat string (%h ...)',
      DEFAULTS.format,
    )
    .addOption(new Option('--output <kind>', 'report format').choices(OUTPUTS).default(DEFAULTS.output))
    .option('-o, --out <file>', 'write the report to this file instead of stdout')
    .option('-n, --top <n>', 'rows per table', String(DEFAULTS.top))
    .option('-j, --jobs <n>', 'worker threads', String(DEFAULTS.jobs))
    .option('--bucket <duration>', 'requests-over-time interval (1m, 5m, 1h, 24h); default: at most 60 rows')
    .option('--collapse <n>', 'distinct values at one path position that make it a {param}', String(DEFAULTS.collapse))
    .option('--samples <n>', 'malformed lines quoted in the report', String(DEFAULTS.samples))
    .option('--since <time>', 'only lines at or after this ISO 8601 date or timestamp (UTC unless it says)')
    .option('--until <time>', 'only lines before this timestamp (a bare date: up to the end of that day)')
    .option('--filter <expr>', 'only lines where FIELD OP VALUE holds (status, method, path, ip, bytes, time; = != > >= < <= ~); repeat to AND', (v: string, all: string[] = []) => [...all, v])
    .option('--max-keys <n>', 'distinct keys per table counted exactly; past it, top entries are estimated', String(DEFAULTS.maxKeys))
    .option('-f, --follow', 'keep reading appended lines and print a fresh report every --interval')
    .option('--interval <duration>', 'time between reports under --follow', `${DEFAULTS.interval}s`)
    .action(async (files: string[], raw: RawOptions) => {
      const options = checkOptions(raw);
      if (options.follow) {
        // Loaded only here: a one-off report should not pay for the follow machinery.
        const { follow } = await import('./follow.js');
        await follow(files, options, ctx.io);
        return;
      }
      // Workers start before the scan's modules load here, so that their start overlaps it.
      const early = EarlyWorkers.start(files, ctx.io.cwd, options.jobs, scanSettings(options));
      let report: Report;
      try {
        const { analyse } = await import('./analyse.js');
        report = await analyse(files, options, ctx.io, early);
      } finally {
        await early.close();
      }
      const text = (await loadRenderer(options.output))(report);
      if (options.out === undefined) ctx.io.stdout.write(text);
      else await writeReport(resolve(ctx.io.cwd, options.out), text);
    });
}

/** `-o FILE`: the whole report or nothing; a path that cannot be written is one line, exit 1. */
async function writeReport(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SwitchyardError('SY_ERR_FILE_UNWRITABLE', `cannot write the report to ${path} (${reason})`, { cause: err });
  }
}
