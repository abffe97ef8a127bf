/** `env`: the variables `exec` would set, printed for a shell, a .env file or CI. */
import type { Ctx } from '../context.js';
import { describeExpiry, handoffVariables, type HandoffOptions } from '../exec/handoff.js';
import { formatVariables, parseFormat } from './format.js';

export interface EnvOptions extends HandoffOptions {
  format?: string;
}

export async function run(_args: string[], opts: EnvOptions, ctx: Ctx, handoff: typeof handoffVariables = handoffVariables): Promise<void> {
  const format = parseFormat(opts.format ?? 'sh');
  const h = await handoff(opts, ctx);
  const text = formatVariables(h.vars, format, ctx.io);
  ctx.io.out(text);
  if (ctx.io.stdoutIsTTY) ctx.warn(`note: this output contains an access token (it ${describeExpiry(h, ctx.now())}): anyone who reads it can use it`);
}
