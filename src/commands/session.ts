/** Opening the active profile's session: shared by every command that talks to a server. */
import { resolveProfile, type ActiveProfile } from '../auth/resolve.js';
import { ServerSession } from '../auth/session.js';
import type { CommonOptions, Ctx } from './context.js';

export function activeProfile(ctx: Ctx, opts: CommonOptions): ActiveProfile {
  const config = ctx.store().profiles.read();
  return resolveProfile(config, { flag: opts.profile, env: ctx.env });
}

export function openSession(ctx: Ctx, opts: CommonOptions): ServerSession {
  const profile = activeProfile(ctx, opts);
  return new ServerSession(profile, { store: ctx.store(), net: ctx.net(opts), now: ctx.now, warn: ctx.warn });
}

/** A session plus an HTTP client on its server (loads the network stack). */
export async function connect(ctx: Ctx, opts: CommonOptions) {
  const session = openSession(ctx, opts);
  const [{ makeClient }, { ZenmlApi }] = await Promise.all([import('../auth/connect.js'), import('../api/zenml.js')]);
  const client = makeClient(session.server, session.profile.settings, ctx.net(opts), session.provider(), ctx.warn);
  return { session, client, api: new ZenmlApi(client) };
}
