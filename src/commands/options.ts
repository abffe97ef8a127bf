/** Shared flag definitions and the lazy action wrapper every command uses. */
import type { Command } from 'commander';
import type { CommonOptions, Ctx } from './context.js';

/** A body field as given, in command-line order across -f and -F (call). */
export interface FieldArg {
  typed: boolean;
  raw: string;
}

/**
 * A flag as data, so that a command's commander definition and its commander-free parser
 * (call/args.ts) are built from one list and cannot drift apart.
 */
export interface FlagSpec {
  short?: string;
  long: string;
  /** The value's name for `<name>`; none for a switch. */
  arg?: string;
  /** The key in the options object (commander's camelCase, `verifySsl` for --no-verify-ssl). */
  key: string;
  /**
   * bool: a switch; negate: a --no-… switch (default true); value: last one wins; optional: a
   * switch that may take a value (`--api-key [source]`); list: repeatable.
   */
  kind: 'bool' | 'negate' | 'value' | 'optional' | 'list' | 'field';
  /** For kind 'field': -F (typed) or -f. */
  typed?: boolean;
  description: string;
}

/** What a flag of each kind puts in the options object. */
interface KindValue {
  bool: boolean;
  negate: boolean;
  value: string;
  optional: string | boolean;
  list: string[];
  field: FieldArg[];
}

/**
 * The options object a list of flags gives a command's run(): declare the list `as const`
 * and the type follows it, so a flag is added in one place.
 */
export type OptionsOf<Fs extends readonly FlagSpec[]> = { [F in Fs[number] as F['key']]?: KindValue[F['kind']] };

export const PROFILE_FLAG = {
  long: 'profile',
  arg: 'name',
  key: 'profile',
  kind: 'value',
  description: 'use this profile (default: credentials in ZENML_STORE_*, else ZENML_API_PROFILE, else the current profile; see DESIGN.md)',
} as const satisfies FlagSpec;

/** The same flag on Pro commands, where it chooses whose Pro credentials (auth/resolve.ts). */
export const PRO_PROFILE_FLAG = {
  ...PROFILE_FLAG,
  description: 'use the Pro credentials of this profile (default: ZENML_PRO_API_TOKEN/_KEY, else ZENML_API_PROFILE or the current profile when it holds Pro credentials, else the only profile that does)',
} as const satisfies FlagSpec;

export const NETWORK_FLAGS = [
  { long: 'timeout', arg: 'seconds', key: 'timeout', kind: 'value', description: 'give up on a request after this long (default 30, or ZENML_STORE_HTTP_TIMEOUT)' },
  { long: 'no-verify-ssl', key: 'verifySsl', kind: 'negate', description: 'do not verify TLS certificates (unsafe; prints a warning)' },
  { long: 'verbose', key: 'verbose', kind: 'bool', description: 'log each request (method, URL, status, time) to stderr, secrets redacted' },
] as const satisfies readonly FlagSpec[];

/** Commander's flags string: "-q, --query <key=value>". */
export function flagString(f: FlagSpec): string {
  const arg = f.arg ? (f.kind === 'optional' ? ` [${f.arg}]` : ` <${f.arg}>`) : '';
  return `${f.short ? `-${f.short}, ` : ''}--${f.long}${arg}`;
}

export function profileOption(cmd: Command): Command {
  return registerFlags(cmd, [PROFILE_FLAG]);
}

export function networkOptions(cmd: Command): Command {
  return registerFlags(cmd, NETWORK_FLAGS);
}

export const JQ_FLAG = { long: 'jq', arg: 'expression', key: 'jq', kind: 'value', description: 'filter the JSON output with a jq expression (jq 1.7; implies --json); strings print raw' } as const satisfies FlagSpec;

/** --json, and --jq with it: every command that prints JSON can filter it. */
export function jsonFlags(what = 'print the result as JSON') {
  return [{ long: 'json', key: 'json', kind: 'bool', description: what }, JQ_FLAG] as const satisfies readonly FlagSpec[];
}

export function jsonOption(cmd: Command, what = 'print the result as JSON'): Command {
  return registerFlags(cmd, jsonFlags(what));
}

export function jqOption(cmd: Command): Command {
  return registerFlags(cmd, [JQ_FLAG]);
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Registers flags given as data with commander (the same list feeds the fast parser, cli-args.ts). */
export function registerFlags(cmd: Command, flags: readonly FlagSpec[]): Command {
  // -f and -F share one list so that later fields override earlier ones in argv order.
  const fields: FieldArg[] = [];
  for (const f of flags) {
    if (f.kind === 'list') cmd.option(flagString(f), f.description, collect);
    else if (f.kind === 'field') {
      const typed = f.typed === true;
      cmd.option(flagString(f), f.description, (raw: string) => (fields.push({ typed, raw }), fields));
    } else cmd.option(flagString(f), f.description);
  }
  return cmd;
}

export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => (l.startsWith('#') ? `  ${l}` : `  $ ${l}`)).join('\n')}\n`);
}

/**
 * An action that loads the command's work module only when the command runs.
 * The module's `run(args, options, ctx)` gets positional arguments and the merged options.
 */
export function lazy<O extends CommonOptions>(
  ctx: Ctx,
  load: () => Promise<{ run: (args: string[], opts: O, ctx: Ctx) => Promise<void> }>,
) {
  return async (...a: unknown[]) => {
    // commander passes the declared arguments, then the options, then the command itself.
    const cmd = a[a.length - 1] as Command;
    const positional = a
      .slice(0, cmd.registeredArguments.length)
      .flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v])) as string[];
    await runCommand((await load()).run, positional, cmd.optsWithGlobals() as O, ctx);
  };
}

/**
 * Runs a command's work with its parsed options, from commander (lazy) or a fast parser (cli.ts):
 * the one place where --jq wraps a command.
 */
export async function runCommand<O extends CommonOptions>(run: (args: string[], opts: O, ctx: Ctx) => Promise<void>, positional: string[], opts: O, ctx: Ctx): Promise<void> {
  if (opts.jq === undefined) return run(positional, opts, ctx);
  const { withJq } = await import('../output/jq.js');
  await withJq(opts.jq, ctx.io, (io) => run(positional, { ...opts, json: true }, { ...ctx, io }));
}
