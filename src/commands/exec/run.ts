/**
 * `exec -- COMMAND [ARGS…]`: runs a program with a fresh short-lived token in the variables the
 * ZenML Python client reads, and none of the long-lived credentials this process holds.
 */
import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { ChildExited, CommandNotRunnable, UsageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { childEnvironment, describeExpiry, handoffVariables } from './handoff.js';
import type { ExecArgs, ExecOptions } from './spec.js';

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
  /** Whether this process is in its terminal's foreground process group (see inForegroundGroup). */
  inForeground: () => boolean;
}

/** Signals that end a terminal session or a job, passed on so that the child can clean up. */
export const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Linux: whether this process is in the foreground process group of its terminal, from
 * /proc/self/stat (pgrp, tpgid). Then a Ctrl-C at the terminal reaches the child, which shares
 * the group, without exec's help. Elsewhere, or without a terminal: false.
 */
export function inForegroundGroup(readStat: () => string = () => readFileSync('/proc/self/stat', 'utf8')): boolean {
  try {
    const stat = readStat();
    // After "pid (comm) ": state ppid pgrp session tty_nr tpgid; comm may hold spaces and ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    const tpgid = Number(fields[5]);
    return tpgid > 0 && pgrp === tpgid;
  } catch {
    return false;
  }
}

const processDeps = (): ExecDeps => ({ spawn: nodeSpawn, signals: process, handoff: handoffVariables, inForeground: () => inForegroundGroup() });

export async function run(args: ExecArgs, opts: ExecOptions, ctx: Ctx, deps: ExecDeps = processDeps()): Promise<void> {
  const [command, ...rest] = args.command;
  if (command === undefined || command === '') throw new UsageError('exec needs a command: zenml-api exec [options] -- COMMAND [ARGS…]');
  const handoff = await deps.handoff(opts, ctx);
  const { env, withheld } = childEnvironment(ctx.env, handoff.vars);
  if (opts.verbose) {
    if (withheld.length) ctx.io.err(`zenml-api: not passing ${withheld.join(', ')} on to the command`);
    ctx.io.err(`zenml-api: running ${shown(command)} with a token for ${handoff.vars.ZENML_STORE_URL} that ${describeExpiry(handoff, ctx.now())}`);
  }
  const status = await runChild(command, rest, env, deps, opts.verbose ? (line) => ctx.io.err(`zenml-api: ${line}`) : undefined);
  if (status !== 0) throw new ChildExited(status);
}

/** Runs the child to its end; its exit status, or 128+N for signal N (as shells report it). */
export function runChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  deps: Pick<ExecDeps, 'spawn' | 'signals' | 'inForeground'>,
  log?: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = deps.spawn(command, args, { stdio: 'inherit', env });
    let started = false;
    let interrupts = 0;
    const forwarders = FORWARDED.map((signal) => {
      const listener = () => {
        // A Ctrl-C typed at the terminal has reached the child already: passing it on would
        // deliver it twice and cut short the child's own clean-up (Python's KeyboardInterrupt
        // handling, "press Ctrl-C again to quit"). A second one is passed on, so that a SIGINT
        // sent to exec alone (kill -INT) gets through when repeated.
        if (signal === 'SIGINT' && ++interrupts === 1 && deps.inForeground()) {
          log?.('SIGINT: left to the terminal, which sent it to the command too');
          return;
        }
        log?.(`passing ${signal} on to the command`);
        child.kill(signal);
      };
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
