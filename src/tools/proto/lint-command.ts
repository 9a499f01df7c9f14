/** `switchyard proto lint [PATH...]`: buf-compatible lint of module directories, files or images. */
import { Command, Option } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { loadProtoInput } from '../../proto/load.js';
import { loadProtoConfig } from './config.js';
import { compareFindings, type Finding } from './finding.js';
import { lintImage } from './lint/run-lint.js';
import { progressOn } from './output/progress.js';
import { collectPaths, filterTargets, pathFilter, requireTargets } from './path-filter.js';
import { ERROR_FORMATS } from './output/error-format.js';
import { parseErrorFormat, reportCompileError, reportFindings } from './report.js';

interface LintFlags {
  errorFormat: string;
  config?: string;
  path: string[];
  excludePath: string[];
}

export function lintCommand(ctx: CommandContext): Command {
  return new Command('lint')
    .description("lint .proto files with buf's STANDARD rules plus Switchyard's (exit 100 on findings)")
    .argument('[PATH...]', 'module directories, .proto files inside a module, or .binpb descriptor sets', ['.'])
    .addOption(new Option('--error-format <format>', 'output format').choices([...ERROR_FORMATS]).default('text'))
    .option('--config <file>', 'configuration file (default: switchyard.proto.yaml or buf.yaml in the module root)')
    .option('--path <path>', 'limit to these files or directories (repeatable)', collectPaths, [])
    .option('--exclude-path <path>', 'leave out these files or directories (repeatable)', collectPaths, [])
    .action(async (paths: string[], flags: LintFlags) => {
      const format = parseErrorFormat(flags.errorFormat);
      const findings: Finding[] = [];
      const progress = progressOn(ctx.io.stderr, 'lint');
      try {
        for (const path of paths) {
          const filter = { paths: flags.path, excludePaths: flags.excludePath };
          const loaded = await loadProtoInput(path, { cwd: ctx.io.cwd, env: ctx.io.env, filter });
          const image = filterTargets(loaded, pathFilter(loaded, filter, ctx.io.cwd));
          requireTargets(image, filter, path);
          // Each module of a workspace is linted with its own configuration; an image with the one found here.
          const units = image.modules.length === 0 ? [{ dir: ctx.io.cwd, targets: image.targets }] : image.modules;
          for (const unit of units) {
            const config = loadProtoConfig(unit.dir, flags.config);
            findings.push(...lintImage({ ...image, targets: unit.targets }, config, (done, total) => progress.update(done, total)));
          }
        }
      } catch (err) {
        progress.stop();
        if (reportCompileError(ctx, err, format)) return;
        throw err;
      }
      progress.stop();
      reportFindings(ctx, findings.sort(compareFindings), format);
    });
}
