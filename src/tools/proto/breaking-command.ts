/** `switchyard proto breaking --against REF_OR_DIR [PATH...]`: buf-compatible breaking-change detection. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { loadProtoInput, type ProtoImage } from '../../proto/load.js';
import type { loadAgainst } from './against.js';
import { loadProtoConfig } from './config.js';
import type { Finding } from './finding.js';
import { ERROR_FORMATS } from './output/error-format.js';
import { collectPaths, filterTargets, pathFilter, requireTargets } from './path-filter.js';
import { parseErrorFormat, reportCompileError, reportFindings } from './report.js';

interface BreakingFlags {
  against: string;
  errorFormat: string;
  excludeImports?: boolean;
  config?: string;
  path: string[];
  excludePath: string[];
}

export function breakingCommand(ctx: CommandContext): Command {
  return new Command('breaking')
    .description('report changes that break generated code, the wire format or JSON (exit 100 on findings)')
    .argument('[PATH...]', 'module directories, .proto files inside a module, or .binpb descriptor sets', ['.'])
    .requiredOption('--against <ref-or-dir>', 'what to compare with: a git ref (main, HEAD~1, a tag), a directory, or a .binpb descriptor set')
    .addOption(new Option('--error-format <format>', 'output format').choices([...ERROR_FORMATS]).default('text'))
    .option('--exclude-imports', 'compare only the inputs\' own files, not the files they import')
    .option('--config <file>', 'configuration file (default: switchyard.proto.yaml or buf.yaml in the module root)')
    .option('--path <path>', 'limit to these files or directories, on both sides (repeatable)', collectPaths, [])
    .option('--exclude-path <path>', 'leave out these files or directories, on both sides (repeatable)', collectPaths, [])
    .action(async (paths: string[], flags: BreakingFlags) => {
      // Loaded here rather than with the command: `proto lint` should not load the breaking rules.
      const [{ loadAgainst }, { breakingFindings }] = await Promise.all([import('./against.js'), import('./breaking/run-breaking.js')]);
      const format = parseErrorFormat(flags.errorFormat);
      const options = { cwd: ctx.io.cwd, env: ctx.io.env };
      const findings: Finding[] = [];
      try {
        for (const path of paths) {
          // Both sides compile at once when the module root is known up front (a directory input).
          const isDir = await stat(resolve(ctx.io.cwd, path)).then((s) => s.isDirectory(), () => false);
          const [current, against] = isDir
            ? await loadBoth(loadProtoInput(path, options), loadAgainst(flags.against, resolve(ctx.io.cwd, path), options))
            : await loadProtoInput(path, options).then(async (image) => [image, await loadAgainst(flags.against, image.moduleDir, options)] as const);
          try {
            const config = loadProtoConfig(current.moduleDir ?? ctx.io.cwd, flags.config);
            // Paths name files of the current input; the same import paths are kept on the other side.
            const filter = { paths: flags.path, excludePaths: flags.excludePath };
            const keep = pathFilter(current, filter, ctx.io.cwd);
            const targets = filterTargets(current, keep);
            requireTargets(targets, filter, path);
            findings.push(...breakingFindings(targets, filterTargets(against.image, keep), config, { excludeImports: flags.excludeImports === true }));
          } finally {
            await against.cleanup();
          }
        }
      } catch (err) {
        if (reportCompileError(ctx, err, format)) return;
        throw err;
      }
      reportFindings(ctx, findings, format);
    });
}

/** Waits for both sides; when one fails, the other's temporary export is still removed. */
async function loadBoth(current: Promise<ProtoImage>, against: ReturnType<typeof loadAgainst>): Promise<readonly [ProtoImage, Awaited<ReturnType<typeof loadAgainst>>]> {
  const [a, b] = await Promise.allSettled([current, against]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  if (b.status === 'fulfilled') await b.value.cleanup();
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}
