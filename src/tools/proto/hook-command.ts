/**
 * `switchyard proto hook install [MODULE]`: writes a git pre-commit hook that lints the staged
 * `.proto` files of a module and checks the module for breaking changes against HEAD. The hook
 * calls this installation of Switchyard by absolute path, so it works without a global install.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import type { CommandContext } from '../../cli/io.js';
import { toPosix } from '../../proto/posix-path.js';
import { SwitchyardError } from '../../errors.js';
import { inSingleExecutable } from '../../runtime/resources.js';

const run = promisify(execFile);
const MARKER = '# switchyard-proto-hook';

interface HookFlags {
  force?: boolean;
}

export function hookCommand(ctx: CommandContext): Command {
  const hook = new Command('hook').description('git hooks that run proto lint and breaking checks');
  hook
    .command('install')
    .description('install a pre-commit hook: lint staged .proto files, check breaking changes against HEAD')
    .argument('[MODULE]', 'the module directory the .proto files live in', '.')
    .option('--force', 'replace an existing pre-commit hook that Switchyard did not write')
    .action(async (module: string, flags: HookFlags) => {
      const moduleDir = resolve(ctx.io.cwd, module);
      // git runs in the working directory: the module directory may not exist yet.
      const git = async (...args: string[]): Promise<string> => (await run('git', args, { cwd: ctx.io.cwd })).stdout.trim();
      const top = await git('rev-parse', '--show-toplevel').catch(() => {
        throw new SwitchyardError('SY_ERR_PROTO_HOOK', `${ctx.io.cwd} is not inside a git repository`);
      });
      // --git-path honours core.hooksPath and worktrees.
      const hookPath = resolve(ctx.io.cwd, await git('rev-parse', '--git-path', 'hooks/pre-commit'));
      const existing = await readFile(hookPath, 'utf8').catch(() => undefined);
      if (existing !== undefined && !existing.includes(MARKER) && flags.force !== true) {
        throw new SwitchyardError('SY_ERR_PROTO_HOOK', `${hookPath} already exists and was not written by switchyard; use --force to replace it`);
      }
      const moduleInRepo = toPosix(relative(top, moduleDir)) || '.';
      if (moduleInRepo.startsWith('..')) throw new SwitchyardError('SY_ERR_PROTO_HOOK', `${module} is outside the git repository ${top}`);
      await mkdir(dirname(hookPath), { recursive: true });
      await writeFile(hookPath, hookScript(moduleInRepo));
      await chmod(hookPath, 0o755);
      ctx.io.stdout.write(`installed ${hookPath} (module ${moduleInRepo})\n`);
    });
  return hook;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function hookScript(module: string): string {
  // From the single executable, the executable itself is the command.
  const command = inSingleExecutable ? shellQuote(process.execPath) : `${shellQuote(process.execPath)} ${shellQuote(fileURLToPath(new URL('../../cli/bin.js', import.meta.url)))}`;
  return `#!/bin/sh
${MARKER}
# Installed by \`switchyard proto hook install\`: lints the staged .proto files of the module
# and checks it for breaking changes against HEAD. Delete this file to uninstall.
switchyard() { ${command} "$@"; }
top=$(git rev-parse --show-toplevel) || exit 1
cd "$top"/${shellQuote(module)} || exit 1
IFS='
'
staged=$(git diff --cached --name-only --diff-filter=ACMR --relative -- '*.proto')
[ -n "$staged" ] || exit 0
switchyard proto lint $staged || exit 1
if git rev-parse --verify --quiet HEAD >/dev/null; then
  switchyard proto breaking . --against HEAD || exit 1
fi
`;
}
