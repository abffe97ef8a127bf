/**
 * `exec -- COMMAND [ARGS…]`: runs a program with a fresh short-lived token in the variables the
 * ZenML Python client reads, and none of the long-lived credentials this process holds.
 */
import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import { constants } from 'node:os';
import { ChildExited, CommandNotRunnable, UsageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { childEnvironment, describeExpiry, handoffVariables, type HandoffOptions } from './handoff.js';

/** The part of a ChildProcess that exec uses. */
export interface Child {
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  kill(signal: NodeJS.Signals): boolean;
}

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ExecDeps {
  spawn: (command: string, args: string[], options: SpawnOptions) => Child;
  /** Where this process's own signals arrive (process). */
  signals: SignalSource;
  handoff: typeof handoffVariables;
}

/**
 * Signals that end a terminal session or a job, passed on so that the child can clean up. A
 * Ctrl-C at a terminal reaches the child twice (the terminal signals the whole foreground group,
 * and exec passes it on), as under npm and op run: forwarding is what makes `kill -INT` of exec
 * alone, and CI runners that signal only their direct child, work.
 */
export const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const processDeps = (): ExecDeps => ({ spawn: nodeSpawn, signals: process, handoff: handoffVariables });

export async function run(args: string[], opts: HandoffOptions, ctx: Ctx, deps: ExecDeps = processDeps()): Promise<void> {
  const [command, ...rest] = args;
  if (command === undefined || command === '') throw new UsageError('exec needs a command: zenml-api exec [options] -- COMMAND [ARGS…]');
  const handoff = await deps.handoff(opts, ctx);
  const { env, withheld } = childEnvironment(ctx.env, handoff.vars);
  if (opts.verbose) {
    if (withheld.length) ctx.io.err(`zenml-api: not passing ${withheld.join(', ')} on to the command`);
    ctx.io.err(`zenml-api: running ${shown(command)} with a token for ${handoff.vars.ZENML_STORE_URL} that ${describeExpiry(handoff, ctx.now())}`);
  }
  const status = await runChild(command, rest, env, deps);
  if (status !== 0) throw new ChildExited(status);
}

/** Runs the child to its end; its exit status, or 128+N for signal N (as shells report it). */
export function runChild(command: string, args: string[], env: Record<string, string>, deps: Pick<ExecDeps, 'spawn' | 'signals'>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = deps.spawn(command, args, { stdio: 'inherit', env });
    let started = false;
    const forwarders = FORWARDED.map((signal) => {
      const listener = () => void child.kill(signal);
      deps.signals.on(signal, listener);
      return { signal, listener };
    });
    const done = () => {
      for (const f of forwarders) deps.signals.off(f.signal, f.listener);
    };
    child.on('spawn', () => {
      started = true;
    });
    child.on('error', (e) => {
      // After the start, an error is a failed kill of a child that is ending anyway.
      if (started) return;
      done();
      reject(notRunnable(command, e));
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

function notRunnable(command: string, e: NodeJS.ErrnoException): CommandNotRunnable {
  if (e.code === 'ENOENT') return new CommandNotRunnable(`${shown(command)}: command not found`, true);
  const why = e.code === 'EACCES' || e.code === 'EISDIR' ? 'permission denied' : e.code === 'ENOEXEC' ? 'not an executable file' : `cannot run it (${e.code ?? e.message})`;
  return new CommandNotRunnable(`${shown(command)}: ${why}`, false);
}

/** A command name as it may appear in a one-line message. */
function shown(command: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = command.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}
