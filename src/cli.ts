/**
 * Entry point: builds the commander program, runs it, and maps typed errors to exit codes.
 * Command files register flags and help only; their work is loaded with import() when they run.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isCliError, UsageError } from './errors.js';
import { makeCtx, type Ctx } from './commands/context.js';
import { processIo, type Io } from './output/io.js';
import { VERSION } from './version.js';
import { registerCommands } from './commands/index.js';
import { keychainStuck } from './auth/secrets/keychain.js';

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the request or operation failed (HTTP error, network error, local store error)
  2    usage error (bad flag, bad argument, unreadable input file)
  4    authentication needed or rejected (no credentials, expired token that cannot be renewed, 401)
  130  interrupted (Ctrl-C)
`;

export function formatError(e: unknown, verbose: boolean): string {
  if (isCliError(e)) {
    const hint = e.hint ? ` ${e.hint}` : '';
    return `zenml-api: ${e.message}${e.message.endsWith('.') || !hint ? '' : '.'}${hint}`;
  }
  const err = e as Error;
  if (verbose && err?.stack) return `zenml-api: internal error: ${err.stack}`;
  return `zenml-api: internal error: ${err?.message ?? String(e)} (run with ZENML_API_DEBUG=1 for details)`;
}

function exitCodeOf(e: unknown): number {
  if (isCliError(e)) return e.exitCode;
  return ExitCode.failure;
}

export function buildProgram(ctx: Ctx): Command {
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
      writeErr: (s) => ctx.io.stderr.write(s),
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

export async function main(argv: string[], io: Io = processIo(), env = process.env): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    controller.abort();
    if (interrupts > 1) process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSigint);
  const ctx = makeCtx(io, env, controller.signal);
  const verbose = argv.includes('--verbose') || env.ZENML_API_DEBUG === '1';
  try {
    const args = argv.slice(2);
    if (args[0] === 'help' && args[1] === 'exit-codes') {
      io.out(EXIT_CODES_HELP);
      return ExitCode.ok;
    }
    const program = buildProgram(ctx);
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      if (e.code === 'commander.executeSubCommandAsync') return e.exitCode;
      io.err(`zenml-api: ${commanderMessage(e)}`);
      return ExitCode.usage;
    }
    if (controller.signal.aborted && !isCliError(e)) {
      io.err('zenml-api: interrupted');
      return ExitCode.interrupted;
    }
    io.err(formatError(e, verbose));
    return exitCodeOf(e);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Waits until stdout and stderr have flushed what was written. */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

async function start(): Promise<void> {
  // `| head` closes stdout early: end quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(ExitCode.ok);
  });
  const code = await main(process.argv);
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  if (keychainStuck()) {
    // A keychain call missed its deadline and its thread cannot be cancelled; a normal exit would
    // wait for it forever. Everything is written and flushed: end the process the hard way.
    process.kill(process.pid, 'SIGKILL');
  }
  process.exit(code);
}

// Re-export for tests that build the program in-process.
export { UsageError, Option };

if (!process.env.ZENML_API_NO_AUTORUN) void start();
