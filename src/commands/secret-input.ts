/**
 * Secrets given to a flag: `-` reads stdin, the bare flag opens a hidden prompt on a terminal
 * (or reads stdin when there is none), and a value on the command line is refused.
 */
import { UsageError } from '../errors.js';
import { promptHidden, readSecretFromStdin } from '../output/prompt.js';
import type { Ctx } from './context.js';

export async function readSecretFlag(ctx: Ctx, value: string | boolean, what: string, flag: string): Promise<string> {
  if (value === '-' || (value === true && !ctx.io.stdinIsTTY)) return readSecretFromStdin(ctx.io, what);
  if (value === true) {
    const v = (await promptHidden(ctx.io, what)).trim();
    if (v === '') throw new UsageError(`no ${what} given`);
    return v;
  }
  throw new UsageError(
    `do not put the ${what} on the command line (it ends up in shell history and process lists): use \`${flag} -\` to read it from stdin, or \`${flag}\` alone for a hidden prompt`,
  );
}
