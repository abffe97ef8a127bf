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
