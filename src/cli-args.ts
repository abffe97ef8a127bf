/**
 * The hottest commands in their plain shapes, parsed without commander: loading commander and
 * every command's definition costs a one-request command about as much as its request
 * (bench/RESULTS.md), and scripts run `token` and `call` in loops. One parser, built from each
 * command's spec (the same spec its commander definition is registered from), giving the
 * same options object as commander; anything it is not sure of (help, an unknown flag, `--`, a
 * value that looks like a flag, bundled short flags, too few or too many arguments, a
 * subcommand) returns null and commander parses it, with its own errors and suggestions.
 * test/unit/fast-args.test.ts compares the two parsers on a corpus of argument lists.
 */
import { inputOf, argCount, type CommandOptions, type CommandSpec, type FieldArg, type FlagSpec, type Input } from './commands/options.js';
import { TOKEN_COMMAND } from './commands/token/spec.js';
import { EXEC_COMMAND } from './commands/exec/spec.js';

const indexes = new WeakMap<readonly FlagSpec[], Map<string, FlagSpec>>();

function flagIndex(flags: readonly FlagSpec[]): Map<string, FlagSpec> {
  let byName = indexes.get(flags);
  if (!byName) {
    byName = new Map();
    for (const f of flags) {
      byName.set(`--${f.long}`, f);
      if (f.short) byName.set(`-${f.short}`, f);
    }
    indexes.set(flags, byName);
  }
  return byName;
}

/**
 * A command's arguments and flags parsed as commander would from the same spec, typed by the same
 * conversion (options.ts inputOf), or null when commander should answer.
 */
export function fastParse<S extends CommandSpec>(spec: S, args: readonly string[]): Input<S> | null {
  // Where the arguments' flags begin is commander's to decide (program.ts).
  if (args[0] !== spec.name || spec.passThrough) return null;
  const byName = flagIndex(spec.flags);
  const opts: Record<string, unknown> = {};
  // commander's default for a --no-… switch
  for (const f of spec.flags) if (f.kind === 'negate') opts[f.key] = true;
  const fields: FieldArg[] = [];
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('-')) {
      if (positional.length === 0 && spec.subcommands?.includes(a)) return null;
      positional.push(a);
      continue;
    }
    let name = a;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 2) {
      name = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    const f = byName.get(name);
    // An optional value is commander's to place (`--api-key -` or `--api-key URL`?).
    if (!f || f.kind === 'optional') return null;
    if (f.kind === 'bool' || f.kind === 'negate') {
      if (value !== undefined) return null;
      opts[f.key] = f.kind === 'bool';
      continue;
    }
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) return null;
      value = next;
      i += 1;
    }
    if (f.kind === 'value') opts[f.key] = value;
    else if (f.kind === 'list') {
      const list = lists.get(f.key) ?? [];
      lists.set(f.key, list);
      list.push(value);
      opts[f.key] = list;
    }
    else {
      fields.push({ typed: f.typed === true, raw: value });
      opts[f.key] = fields;
    }
  }
  const { min, max } = argCount(spec);
  if (positional.length < min || positional.length > max) return null;
  // One entry per declared argument, a list for a variadic one: commander's processedArgs.
  const processed = spec.args.map((a, i) => (a.kind === 'variadic' || a.kind === 'rest' ? positional.slice(i) : positional[i]));
  // A value outside an argument's choices: commander names them.
  if (spec.args.some((a, i) => a.choices && typeof processed[i] === 'string' && !a.choices.includes(processed[i]))) return null;
  return inputOf(spec, processed, opts);
}

/** `token` parsed without commander (fast.ts, cli.ts), or null. */
export function fastTokenOptions(args: string[]): CommandOptions<typeof TOKEN_COMMAND> | null {
  return fastParse(TOKEN_COMMAND, args)?.opts ?? null;
}

export { NO_COLOR_FLAG, normalizeArgs, type NormalizedArgs } from './argv.js';

/**
 * The commands whose spec passes their arguments through, by name in argv.ts (which imports no
 * spec: the launcher runs it); test/unit/command-specs.test.ts checks both lists.
 */
export const PASS_THROUGH: readonly CommandSpec[] = [EXEC_COMMAND];
