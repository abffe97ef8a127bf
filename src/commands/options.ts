/**
 * Commands as data: each command's arguments and flags (its `spec.ts`) give its commander
 * definition, the typed arguments and options its run() receives, and what the commander-free
 * parser (cli-args.ts fastParse) reads, so that none of them can drift from the others.
 */
import type { Command } from 'commander';
import type { Ctx } from './context.js';

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
export type OptionsOf<Fs extends readonly FlagSpec[]> = FlagOptions<Fs[number]>;
type FlagOptions<F extends FlagSpec> = { [X in F as X['key']]?: KindValue[X['kind']] };

/**
 * A positional argument as data. Help shows the key kebab-cased (`serverUrl`: `[server-url]`).
 * required: `<x>`; optional: `[x]`; variadic: `<x...>`, one or more; rest: `[x...]`, any number.
 */
export interface ArgSpec {
  key: string;
  kind: 'required' | 'optional' | 'variadic' | 'rest';
  description: string;
  /** The only values accepted (commander says which when another is given). */
  choices?: readonly string[];
}

type ArgValue<A extends ArgSpec> = A['kind'] extends 'variadic' | 'rest' ? string[] : A extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The arguments object a list of arguments gives run(): `[server-url]` gives `{ serverUrl?: string }`. */
export type ArgsOf<As extends readonly ArgSpec[]> = Flat<
  { [A in As[number] as A['kind'] extends 'optional' ? never : A['key']]: ArgValue<A> } & {
    [A in As[number] as A['kind'] extends 'optional' ? A['key'] : never]?: ArgValue<A>;
  }
>;
/** One object type instead of an intersection: what editors and type errors show. */
type Flat<T> = { [K in keyof T]: T[K] };

/** The arguments of a command that takes none. */
export type NoArgs = ArgsOf<readonly []>;

/** One command: its name, arguments and flags, declared `as const` in its spec.ts. */
export interface CommandSpec {
  name: string;
  args: readonly ArgSpec[];
  flags: readonly FlagSpec[];
  /** Flags of the parent command that commander hands this one as well (`endpoints describe`). */
  inherited?: readonly FlagSpec[];
  /** Its own subcommands: words a parser must not take for its first argument. */
  subcommands?: readonly string[];
  /** Everything from the first argument on is the arguments' own, flags included (`exec`). */
  passThrough?: boolean;
}

type InheritedFlags<S extends CommandSpec> = S extends { inherited: infer I extends readonly FlagSpec[] } ? I[number] : never;
export type CommandArgs<S extends CommandSpec> = ArgsOf<S['args']>;
export type CommandOptions<S extends CommandSpec> = FlagOptions<S['flags'][number] | InheritedFlags<S>>;
/** What a command's work function is: typed from its spec, so it reads no cast and no `args[0]!`. */
export type Run<S extends CommandSpec> = (args: CommandArgs<S>, opts: CommandOptions<S>, ctx: Ctx) => Promise<void>;
export interface Input<S extends CommandSpec> {
  args: CommandArgs<S>;
  opts: CommandOptions<S>;
}

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

export const JQ_FLAG = { long: 'jq', arg: 'expression', key: 'jq', kind: 'value', description: 'filter the JSON output with a jq expression (jq 1.7; implies --json); strings print raw' } as const satisfies FlagSpec;

/** --json, and --jq with it: every command that prints JSON can filter it. */
export function jsonFlags(what = 'print the result as JSON') {
  return [{ long: 'json', key: 'json', kind: 'bool', description: what }, JQ_FLAG] as const satisfies readonly FlagSpec[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Registers flags given as data with commander (the same list feeds the fast parser, cli-args.ts). */
function registerFlags(cmd: Command, flags: readonly FlagSpec[]): Command {
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


/** The name commander shows: `serverUrl` as `<server-url>`, `[server-url]`, `<server-url...>`. */
export function argString(a: ArgSpec): string {
  const name = a.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const dots = a.kind === 'variadic' || a.kind === 'rest' ? '...' : '';
  return a.kind === 'required' || a.kind === 'variadic' ? `<${name}${dots}>` : `[${name}${dots}]`;
}

/** The fewest and most arguments a command takes. */
export function argCount(spec: CommandSpec): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const a of spec.args) {
    if (a.kind === 'required' || a.kind === 'variadic') min += 1;
    max = a.kind === 'variadic' || a.kind === 'rest' ? Infinity : max + 1;
  }
  return { min, max };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isField = (v: unknown): v is FieldArg => typeof v === 'object' && v !== null && 'typed' in v && 'raw' in v && typeof v.typed === 'boolean' && typeof v.raw === 'string';

/** Whether a value is what a flag of this kind holds (KindValue, checked at run time). */
const FLAG_VALUE_CHECKS: { [K in FlagSpec['kind']]: (v: unknown) => v is KindValue[K] } = {
  bool: (v): v is boolean => typeof v === 'boolean',
  negate: (v): v is boolean => typeof v === 'boolean',
  value: isString,
  optional: (v): v is string | boolean => isString(v) || typeof v === 'boolean',
  list: isStringList,
  field: (v): v is FieldArg[] => Array.isArray(v) && v.every(isField),
};

/** Why a parser's value for an argument is not what its spec says, or null. */
function argProblem(a: ArgSpec, v: unknown): string | null {
  if (a.kind === 'variadic' || a.kind === 'rest') {
    if (!isStringList(v)) return 'is not a list of strings';
    return a.kind === 'variadic' && v.length === 0 ? 'is missing' : null;
  }
  if (v === undefined) return a.kind === 'required' ? 'is missing' : null;
  if (!isString(v)) return 'is not a string';
  return a.choices && !a.choices.includes(v) ? 'is not one of its choices' : null;
}

/** A parser gave something its spec does not describe: a bug in this program, never the user's. */
function drift(spec: CommandSpec, what: string): never {
  throw new Error(`${spec.name}: ${what} (the parser and the command's spec disagree)`);
}

/** The parser's arguments (one entry per declared argument) by their keys. */
function namedArgs(spec: CommandSpec, positional: readonly unknown[]): Record<string, unknown> {
  if (positional.length > spec.args.length) drift(spec, `${positional.length} arguments given for ${spec.args.length}`);
  const args: Record<string, unknown> = {};
  spec.args.forEach((a, i) => {
    if (positional[i] !== undefined) args[a.key] = positional[i];
  });
  return args;
}

function isArgsOf<S extends CommandSpec>(spec: S, args: Readonly<Record<string, unknown>>): args is CommandArgs<S> {
  for (const a of spec.args) {
    const problem = argProblem(a, args[a.key]);
    if (problem) drift(spec, `argument ${a.key} ${problem}`);
  }
  return true;
}

function isOptionsOf<S extends CommandSpec>(spec: S, opts: Readonly<Record<string, unknown>>): opts is CommandOptions<S> {
  const flags = [...spec.flags, ...(spec.inherited ?? [])];
  for (const [key, v] of Object.entries(opts)) {
    const f = flags.find((x) => x.key === key);
    if (!f) drift(spec, `option ${key} is not in its spec`);
    if (v !== undefined && !FLAG_VALUE_CHECKS[f.kind](v)) drift(spec, `option ${key} is not a ${f.kind} value`);
  }
  return true;
}

/**
 * The one conversion from what a parser produced (commander's processed arguments and merged
 * options, or fastParse's of the same shape) to the typed input of run(): each argument and
 * option is checked against the spec, so a spec that says other than the parser fails loudly.
 * `positional` is one entry per declared argument, a list for a variadic one, as commander's
 * `processedArgs`.
 */
export function inputOf<S extends CommandSpec>(spec: S, positional: readonly unknown[], opts: Readonly<Record<string, unknown>>): Input<S> {
  const args = namedArgs(spec, positional);
  const options = { ...opts };
  if (!isArgsOf(spec, args) || !isOptionsOf(spec, options)) return drift(spec, 'unreachable');
  return { args, opts: options };
}

/** What commander parsed for a command defined by defineCommand, typed (the same path as lazy actions). */
export function commanderInput<S extends CommandSpec>(spec: S, cmd: Command): Input<S> {
  return inputOf(spec, cmd.processedArgs, cmd.optsWithGlobals());
}

const specs = new WeakMap<Command, CommandSpec>();

/** The spec a commander command was defined from (test/unit/command-specs.test.ts compares them). */
export function specOf(cmd: Command): CommandSpec | undefined {
  return specs.get(cmd);
}

/**
 * Defines a command from its spec: its arguments, flags and action. The action loads the work
 * module only when the command runs (`load`), so --help and cheap commands never load what
 * expensive ones need. Description, aliases and examples are the caller's.
 */
export function defineCommand<S extends CommandSpec>(parent: Command, spec: S, ctx: Ctx, load: () => Promise<Run<S>>, opts: { hidden?: boolean } = {}): Command {
  const cmd = parent.command(spec.name, { hidden: opts.hidden === true });
  for (const a of spec.args) {
    const arg = cmd.createArgument(argString(a), a.description);
    if (a.choices) arg.choices(a.choices);
    cmd.addArgument(arg);
  }
  registerFlags(cmd, spec.flags);
  specs.set(cmd, spec);
  cmd.action(async () => {
    const input = commanderInput(spec, cmd);
    await runCommand(await load(), input, ctx);
  });
  return cmd;
}

/**
 * Runs a command's work with its typed input, from commander or the fast parser (cli.ts): the
 * one place where --jq wraps a command.
 */
export async function runCommand<S extends CommandSpec>(run: Run<S>, input: Input<S>, ctx: Ctx): Promise<void> {
  const opts: CommandOptions<S> & { jq?: unknown } = input.opts;
  if (typeof opts.jq !== 'string') return run(input.args, input.opts, ctx);
  const { withJq } = await import('../output/jq.js');
  await withJq(opts.jq, ctx.io, (io) => run(input.args, { ...input.opts, json: true }, { ...ctx, io }));
}
