/**
 * Entry point. Maps typed errors to exit codes and messages (the only place that does), handles
 * Ctrl-C and a closed stdout, and keeps start-up lean: `--version` and `token` run without
 * loading commander; everything else goes through the commander program in program.ts.
 */
import { ChildExited, ExitCode, isCliError } from './errors.js';
import { envTimeout, makeCtx, type CommonOptions, type Ctx } from './commands/context.js';
import { flushProcessIo, processIo, type Io } from './output/io.js';
import { keychainStuck } from './auth/secrets/keychain.js';
import { directAnswer } from './direct.js';
import { FAST_CALL, FAST_CURRENT_USER, FAST_ENDPOINTS, FAST_STATUS, FAST_TOKEN, fastParse, fastTokenOptions, normalizeArgs, type FastArgs, type FastSpec } from './cli-args.js';
import { runCommand } from './commands/options.js';
import { terminalSafe } from './output/sanitize.js';

export { fastTokenOptions };

/**
 * The error line: one line (messages quote server text, made safe), or a stack when debugging;
 * a validation error's problems follow, one per line, each made safe on its own.
 */
export function formatError(e: unknown, verbose: boolean): string {
  if (isCliError(e)) {
    const hint = e.hint ? ` ${e.hint}` : '';
    const details = (e.details ?? []).map((d) => `\n  ${terminalSafe(d)}`).join('');
    return `${terminalSafe(`zenml-api: ${e.message}${e.message.endsWith('.') || !hint ? '' : '.'}${hint}`)}${details}`;
  }
  const err = e as Error;
  if (verbose && err?.stack) return terminalSafe(`zenml-api: internal error: ${err.stack}`, { keepNewlines: true });
  return terminalSafe(`zenml-api: internal error: ${err?.message ?? String(e)} (run with ZENML_API_DEBUG=1 for details)`);
}

type Runner = (args: string[], opts: FastArgs['opts'], ctx: Ctx) => Promise<void>;
/** Each run() declares its own options type; fastParse gives what commander would (fast-args.test.ts). */
const runner = <O>(load: () => Promise<(args: string[], opts: O, ctx: Ctx) => Promise<void>>) => load as unknown as () => Promise<Runner>;

const FAST_PATHS: Array<[FastSpec, () => Promise<Runner>]> = [
  [FAST_TOKEN, runner(async () => (await import('./commands/token/run.js')).run)],
  [FAST_CURRENT_USER, runner(async () => (await import('./commands/current-user/run.js')).run)],
  [FAST_CALL, runner(async () => (await import('./commands/call/run.js')).run)],
  [FAST_ENDPOINTS, runner(async () => (await import('./commands/endpoints/run.js')).list)],
  [FAST_STATUS, runner(async () => (await import('./commands/status/run.js')).run)],
];

async function dispatch(args: string[], argv: string[], ctx: Ctx): Promise<number> {
  const direct = directAnswer(args);
  if (direct !== null) {
    ctx.io.out(direct);
    return ExitCode.ok;
  }
  // The most frequent commands in their plain shapes skip loading commander and every definition.
  for (const [spec, load] of FAST_PATHS) {
    const parsed = fastParse(spec, args);
    if (!parsed) continue;
    await runCommand(await load(), parsed.positional, parsed.opts, ctx);
    return ExitCode.ok;
  }
  const { runProgram } = await import('./program.js');
  return runProgram(argv, ctx);
}

export async function main(argv: string[], givenIo?: Io, env = process.env): Promise<number> {
  const { args, noColor } = normalizeArgs(argv.slice(2));
  let io = givenIo ?? processIo(env, noColor);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    controller.abort();
    // A command that listens for Ctrl-C itself (exec forwards it to its child) decides when to end.
    if (interrupts > 1 && process.listenerCount('SIGINT') === 1) process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSigint);
  const ctx = makeCtx(io, env, controller.signal);
  io = ctx.io; // every stderr line from here on is redacted
  const envWarning = envTimeout(env).warning;
  if (envWarning) io.err(envWarning);
  const verbose = argv.includes('--verbose') || env.ZENML_API_DEBUG === '1';
  try {
    return await dispatch(args, [...argv.slice(0, 2), ...args], ctx);
  } catch (e) {
    if (e instanceof ChildExited) return e.status;
    if (controller.signal.aborted && !isCliError(e)) {
      io.err('zenml-api: interrupted');
      return ExitCode.interrupted;
    }
    if ((e as { interrupted?: boolean })?.interrupted) {
      io.err('zenml-api: interrupted');
      return ExitCode.interrupted;
    }
    io.err(formatError(e, verbose));
    return isCliError(e) ? e.exitCode : ExitCode.failure;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function start(): Promise<void> {
  const code = await main(process.argv);
  await flushProcessIo();
  if (keychainStuck()) {
    // A keychain call missed its deadline and its thread cannot be cancelled; a normal exit would
    // wait for it forever. Everything is written and flushed: end the process the hard way.
    process.kill(process.pid, 'SIGKILL');
  }
  process.exit(code);
}

if (!process.env.ZENML_API_NO_AUTORUN) void start();
