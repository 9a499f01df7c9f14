/**
 * The whole command line as a function: `runCli(argv)` parses, runs one command and resolves to
 * its exit code. User mistakes become one line on stderr (`switchyard: ...`), never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { isSwitchyardError } from '../errors.js';
import { ConfigError, formatProblem } from '../config/problems.js';
import { processIO, type CliIO, type CommandContext } from './io.js';
import { VERSION } from '../version.js';

type CommandFactory = (ctx: CommandContext) => Command;

/**
 * Each command's module is imported only when that command runs (or for the top-level help):
 * `logs` should not pay for loading the gateway, ajv and buf before it reads a byte.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandFactory>>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  logs: async () => (await import('../tools/logs/command.js')).logsCommand,
  proto: async () => (await import('../tools/proto/command.js')).protoCommand,
  contract: async () => (await import('../tools/contract/command.js')).contractCommand,
  shield: async () => (await import('./commands/shield.js')).shieldCommand,
  rollout: async () => (await import('./commands/rollout.js')).rolloutCommand,
  sense: async () => (await import('../sense/command.js')).senseCommand,
};

export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    exit(code) {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = new Command('switchyard')
    .description('An edge gateway in front of PHP-FPM that moves an application to new services one route at a time.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true);
  const named = argv[0] === 'help' ? argv[1] : argv[0];
  const wanted = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  for (const name of wanted) program.addCommand((await (COMMANDS[name] as () => Promise<CommandFactory>)())(ctx));
  configureRecursively(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with a CommanderError whose exitCode is 0.
      return Math.max(exitCode, err.exitCode);
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) io.stderr.write(`switchyard: ${formatProblem(err.file, p)} (${p.code})\n`);
    } else {
      io.stderr.write(`switchyard: ${describe(err)}\n`);
    }
    return Math.max(exitCode, 1);
  }
  return exitCode;
}

function configureRecursively(command: Command, io: CliIO): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(s.startsWith('error:') ? `switchyard: ${s.slice(7)}` : s),
  });
  for (const sub of command.commands) configureRecursively(sub, io);
}

function describe(err: unknown): string {
  if (isSwitchyardError(err)) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}
