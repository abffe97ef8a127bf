/**
 * The commander program: global help, commands, and commander's own errors as one line each.
 * Loaded by cli.ts for everything but the fast paths.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode } from './errors.js';
import type { Ctx } from './commands/context.js';
import { VERSION } from './version.js';
import { registerCommands } from './commands/index.js';
import { specOf } from './commands/options.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

export function buildProgram(ctx: Ctx, writeErr: (s: string) => void = (s) => void ctx.io.stderr.write(s)): Command {
  const program = new Command('zenml-api');
  program
    .description('Log in to ZenML servers and ZenML Pro, keep their credentials in the OS keychain, and call their APIs.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .addHelpCommand('help [command]', 'show help for a command, or `help exit-codes`')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr,
      // Help wraps at 80 columns at most: easier to read on a wide terminal, and the same bytes
      // as the help fast.ts prints (pre-rendered at 80; it declines narrower terminals).
      getOutHelpWidth: () => Math.min(ctx.io.columns ?? 80, 80),
      getErrHelpWidth: () => Math.min(ctx.io.columns ?? 80, 80),
      // Commander's messages become one line: "zenml-api: unknown option '--x' (did you mean --y?)".
      outputError: () => undefined,
    });
  program.addHelpText(
    'after',
    `
Examples:
  $ zenml-api login https://zenml.example.com --api-key -   < key.txt
  $ curl -H "Authorization: Bearer $(zenml-api token)" https://zenml.example.com/api/v1/current-user
  $ zenml-api current-user
  $ zenml-api call pipelines -q name=contains:train --paginate --jsonl | jq .name

Global flags, before or after the command (where the command takes them): --profile NAME,
--timeout SECONDS, --verbose, --no-verify-ssl, --json, --jq EXPR; --no-color with any command.

Environment (CI): ZENML_STORE_URL with ZENML_STORE_API_KEY, ZENML_STORE_API_TOKEN or
ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD; ZENML_API_PROFILE; ZENML_API_CONFIG_DIR.

${EXIT_CODES_HELP}`,
  );
  registerCommands(program, ctx);
  return program;
}

function commanderMessage(e: CommanderError): string {
  // "error: unknown command 'logn'\n(Did you mean login?)" -> one line
  return e.message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.*)\?\)\s*$/s, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}


/** Runs the program; returns the exit code for commander's own outcomes (help, usage errors). */
export async function runProgram(argv: string[], ctx: Ctx): Promise<number> {
  // Commander's error output (e.g. help for a missing subcommand) is held back, then replaced by one line.
  let held = '';
  const program = buildProgram(ctx, (s) => void (held += s));
  const words = argv.slice(2);
  if (words.length === 0) {
    // Like `gh`: no command at all shows the help, and that is not an error.
    program.outputHelp();
    return ExitCode.ok;
  }
  // Every group's help offers `help exit-codes` (commander's help command is inherited).
  if (words.length > 2 && words.at(-2) === 'help' && words.at(-1) === 'exit-codes' && findPath(program, words.slice(0, -2))?.commands.length) {
    ctx.io.out(EXIT_CODES_HELP);
    return ExitCode.ok;
  }
  if (words[0] === 'help' && words[1] !== undefined && !findCommand(program, words[1])) {
    ctx.io.err(`zenml-api: no help for '${words[1].slice(0, 60)}': it is not a command (try \`zenml-api --help\`, or \`zenml-api help exit-codes\`)`);
    return ExitCode.usage;
  }
  passThroughIfAsked(program, words[0]);
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
    if (e.code === 'commander.help') {
      if (e.exitCode === 0) return ExitCode.ok;
      // A group command without its subcommand, e.g. `pro users`.
      const path = words.filter((w) => !w.startsWith('-')).slice(0, 3).join(' ');
      ctx.io.err(`zenml-api: \`${path}\` needs a subcommand (see \`zenml-api ${path} --help\`)`);
      return ExitCode.usage;
    }
    ctx.io.err(`zenml-api: ${commanderMessage(e)}`);
    return ExitCode.usage;
  } finally {
    if (held && !held.includes('Usage:')) ctx.io.stderr.write(held);
  }
}

/**
 * A command whose spec passes its arguments through (`exec python -m pytest -v`) is parsed with
 * positional options, so that neither the program (`-v`) nor exec takes a flag meant for the
 * child. Only that command: set on the program for every command line, it made the program's
 * own flags unknown after any command (`token -v`), and a group's flags unknown after its
 * subcommands, depending on the order the commands were registered in.
 */
function passThroughIfAsked(program: Command, word: string | undefined): void {
  const cmd = word === undefined ? undefined : findCommand(program, word);
  if (!cmd || !specOf(cmd)?.passThrough) return;
  program.enablePositionalOptions();
  cmd.passThroughOptions();
}

function findCommand(program: Command, name: string): Command | undefined {
  return program.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** The command a path of words names (`pro users`), or undefined. */
function findPath(program: Command, words: string[]): Command | undefined {
  let cmd: Command | undefined = program;
  for (const w of words) cmd = cmd && findCommand(cmd, w);
  return cmd;
}
