/** `env`: the variables `exec` would set, printed for a shell, a .env file or CI. */
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import { describeExpiry, handoffVariables } from '../exec/handoff.js';
import type { EnvOptions } from './spec.js';
import { formatVariables, parseFormat } from './format.js';


export async function run(_args: NoArgs, opts: EnvOptions, ctx: Ctx, handoff: typeof handoffVariables = handoffVariables): Promise<void> {
  const format = parseFormat(opts.format ?? 'sh');
  const h = await handoff(opts, ctx);
  const text = formatVariables(h.vars, format, ctx.io);
  ctx.io.out(text);
  if (ctx.io.stdoutIsTTY) ctx.warn(`note: this output contains an access token (it ${describeExpiry(h, ctx.now())}): anyone who reads it can use it`);
}
