/**
 * The hottest commands in their plain shapes, parsed without commander: loading commander and
 * every command's definition costs a one-request command about as much as its request
 * (bench/RESULTS.md), and scripts run `token` and `call` in loops. One parser, built from each
 * command's flag list (the same list its commander definition is registered from), giving the
 * same options object as commander; anything it is not sure of (help, an unknown flag, `--`, a
 * value that looks like a flag, bundled short flags, too few or too many arguments, a
 * subcommand) returns null and commander parses it, with its own errors and suggestions.
 * test/unit/fast-args.test.ts compares the two parsers on a corpus of argument lists.
 */
import type { CommonOptions } from './commands/context.js';
import type { FieldArg, FlagSpec } from './commands/options.js';
import { ALL_CALL_FLAGS } from './commands/call/spec.js';
import { CURRENT_USER_FLAGS } from './commands/current-user/spec.js';
import { ENDPOINTS_FLAGS } from './commands/endpoints/spec.js';
import { TOKEN_FLAGS } from './commands/token/spec.js';
import { STATUS_FLAGS } from './commands/status/spec.js';

export interface FastSpec {
  name: string;
  flags: readonly FlagSpec[];
  minArgs: number;
  maxArgs: number;
  /** Words that are the command's subcommands, not its first argument. */
  subcommands?: readonly string[];
}

export const FAST_TOKEN: FastSpec = { name: 'token', flags: TOKEN_FLAGS, minArgs: 0, maxArgs: 0 };
export const FAST_CURRENT_USER: FastSpec = { name: 'current-user', flags: CURRENT_USER_FLAGS, minArgs: 0, maxArgs: 0 };
export const FAST_CALL: FastSpec = { name: 'call', flags: ALL_CALL_FLAGS, minArgs: 1, maxArgs: 2 };
export const FAST_STATUS: FastSpec = { name: 'status', flags: STATUS_FLAGS, minArgs: 0, maxArgs: 0 };
export const FAST_ENDPOINTS: FastSpec = { name: 'endpoints', flags: ENDPOINTS_FLAGS, minArgs: 0, maxArgs: 1, subcommands: ['describe', 'help'] };

export interface FastArgs {
  positional: string[];
  opts: CommonOptions & Record<string, unknown>;
}

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

export function fastParse(spec: FastSpec, args: string[]): FastArgs | null {
  if (args[0] !== spec.name) return null;
  const byName = flagIndex(spec.flags);
  const opts: Record<string, unknown> = {};
  // commander's default for a --no-… switch
  for (const f of spec.flags) if (f.kind === 'negate') opts[f.key] = true;
  const fields: FieldArg[] = [];
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
    else if (f.kind === 'list') ((opts[f.key] ??= []) as string[]).push(value);
    else {
      fields.push({ typed: f.typed === true, raw: value });
      opts[f.key] = fields;
    }
  }
  if (positional.length < spec.minArgs || positional.length > spec.maxArgs) return null;
  return { positional, opts };
}

/** `token` parsed without commander (fast.ts, cli.ts), or null. */
export function fastTokenOptions(args: string[]): FastArgs['opts'] | null {
  return fastParse(FAST_TOKEN, args)?.opts ?? null;
}

export { NO_COLOR_FLAG, normalizeArgs, type NormalizedArgs } from './argv.js';
