/**
 * `call` in its plain shapes, parsed without commander: loading commander and every command's
 * definition costs a one-request `call` about as much as its request (bench/RESULTS.md), and
 * scripts run `call` in loops. Built from the same flag list as the commander definition
 * (spec.ts) and giving the same options object; anything it is not sure of (help, an unknown
 * flag, `--`, a value that looks like a flag, bundled short flags, too few or too many
 * arguments) returns null and commander parses it, with its own errors and suggestions. A test
 * compares the two parsers on a corpus of argument lists (test/unit/call-args.test.ts).
 */
import type { FlagSpec } from '../options.js';
import { ALL_CALL_FLAGS, type FieldArg } from './spec.js';

let byName: Map<string, FlagSpec> | undefined;

function flag(name: string): FlagSpec | undefined {
  if (!byName) {
    byName = new Map();
    for (const f of ALL_CALL_FLAGS) {
      byName.set(`--${f.long}`, f);
      if (f.short) byName.set(`-${f.short}`, f);
    }
  }
  return byName.get(name);
}

export function fastCallArgs(args: string[]): { positional: string[]; opts: Record<string, unknown> } | null {
  if (args[0] !== 'call') return null;
  // commander's default for a --no-… switch
  const opts: Record<string, unknown> = { verifySsl: true };
  const fields: FieldArg[] = [];
  const positional: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-' || !a.startsWith('-')) {
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
    const f = flag(name);
    if (!f) return null;
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
  if (positional.length < 1 || positional.length > 2) return null;
  return { positional, opts };
}
