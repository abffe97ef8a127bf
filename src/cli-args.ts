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
