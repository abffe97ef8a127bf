/** Pro API access for `call --pro` and the `pro` commands. */
import type { HttpClient } from '../../api/http.js';
import type { CommonOptions, Ctx } from '../context.js';
import { openProSession } from '../../auth/pro-session.js';

export async function connectPro(ctx: Ctx, opts: CommonOptions): Promise<{ client: HttpClient }> {
  const session = openProSession(ctx.store(), { flag: opts.profile, env: ctx.env, net: ctx.net(opts), now: ctx.now, warn: ctx.warn });
  const { makeProClient } = await import('../../auth/connect.js');
  const client = makeProClient(session.baseUrl, ctx.net(opts), session.provider(), ctx.warn);
  return { client };
}
