/** Shared flag definitions and the lazy action wrapper every command uses. */
import type { Command } from 'commander';
import type { CommonOptions, Ctx } from './context.js';

export function profileOption(cmd: Command): Command {
  return cmd.option('--profile <name>', 'use this profile (default: ZENML_API_PROFILE, else the current one)');
}

export function networkOptions(cmd: Command): Command {
  return cmd
    .option('--timeout <seconds>', 'give up on a request after this long (default 30, or ZENML_STORE_HTTP_TIMEOUT)')
    .option('--no-verify-ssl', 'do not verify TLS certificates (unsafe; prints a warning)')
    .option('--verbose', 'log each request (method, URL, status, time) to stderr, secrets redacted');
}

export function jsonOption(cmd: Command, what = 'print the result as JSON'): Command {
  return cmd.option('--json', what);
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
    const mod = await load();
    await mod.run(positional, cmd.optsWithGlobals() as O, ctx);
  };
}
