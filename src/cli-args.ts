import type { CommonOptions } from './commands/context.js';

/**
 * The exact argument shapes of the hottest command, parsed without commander:
 * `token [--json] [--profile NAME]`. Anything else (help, other flags) returns null.
 */
export function fastTokenOptions(args: string[]): CommonOptions | null {
  return simpleOptions(args, 'token');
}

/**
 * `NAME [--json] [--profile NAME]`, the shapes run without commander (`token`, `current-user`);
 * anything else (help, other flags, typos) returns null and goes through commander.
 */
export function simpleOptions(args: string[], name: string): CommonOptions | null {
  if (args[0] !== name) return null;
  const opts: CommonOptions = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json' && !opts.json) opts.json = true;
    else if (a === '--profile' && opts.profile === undefined && i + 1 < args.length && !args[i + 1]!.startsWith('-')) opts.profile = args[++i]!;
    else if (a.startsWith('--profile=') && opts.profile === undefined && a.length > 10) opts.profile = a.slice(10);
    else return null;
  }
  return opts;
}

/**
 * `endpoints [PATTERN] [--json] [--profile NAME]`: the listing answered from the cache, run
 * without commander. `endpoints describe …`, `--help` and every other flag go through commander.
 */
export function endpointsListArgs(args: string[]): { pattern: string[]; opts: CommonOptions } | null {
  if (args[0] !== 'endpoints') return null;
  const rest = args.slice(1);
  const positional = rest[0] !== undefined && !rest[0].startsWith('-') && rest[0] !== 'describe' && rest[0] !== 'help' ? [rest[0]] : [];
  const opts = simpleOptions(['endpoints', ...rest.slice(positional.length)], 'endpoints');
  return opts ? { pattern: positional, opts } : null;
}

/**
 * The flags a user may give before the command, as with kubectl and aws: `zenml-api --profile
 * admin token`. Each command still declares the ones it takes; these are moved behind the command
 * words so that every parser (fast.ts, the hand parsers in cli.ts, commander) sees them where the
 * command expects them, and a command that lacks one rejects it as it would after the command.
 */
const GLOBAL_FLAGS: ReadonlyMap<string, { value: boolean }> = new Map([
  ['--profile', { value: true }],
  ['--timeout', { value: true }],
  ['--jq', { value: true }],
  ['--verbose', { value: false }],
  ['--no-verify-ssl', { value: false }],
  ['--json', { value: false }],
]);

/** `--no-color` works with every command, anywhere before `--`: it is taken out here. */
export const NO_COLOR_FLAG = '--no-color';

export interface NormalizedArgs {
  args: string[];
  noColor: boolean;
}

/** Takes out `--no-color` and moves the global flags found before the command to after it. */
export function normalizeArgs(raw: string[]): NormalizedArgs {
  const dd = raw.indexOf('--');
  const head = dd < 0 ? raw : raw.slice(0, dd);
  const noColor = head.includes(NO_COLOR_FLAG);
  const args = noColor ? [...head.filter((a) => a !== NO_COLOR_FLAG), ...(dd < 0 ? [] : raw.slice(dd))] : raw;
  const front: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const g = GLOBAL_FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    if (!g) break;
    if (g.value && eq < 0) {
      if (i + 1 >= args.length) break;
      front.push(a, args[i + 1]!);
      i += 2;
    } else {
      if (!g.value && eq > 0) break;
      front.push(a);
      i += 1;
    }
  }
  const rest = args.slice(i);
  // Nothing to move behind (`zenml-api --profile x`, `--json --help`): commander says what is wrong.
  if (front.length === 0 || rest.length === 0 || rest[0]!.startsWith('-')) return { args, noColor };
  const end = rest.indexOf('--');
  return { args: end < 0 ? [...rest, ...front] : [...rest.slice(0, end), ...front, ...rest.slice(end)], noColor };
}
