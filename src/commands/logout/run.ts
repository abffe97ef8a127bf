import { validateProfileName } from '../../auth/profiles.js';
import { unknownProfile } from '../../auth/resolve.js';
import { UsageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { LogoutOptions } from './spec.js';

type Options = LogoutOptions;

export async function run(_args: NoArgs, opts: Options, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  const config = store.profiles.read();
  if (opts.all && opts.profile) throw new UsageError('choose --profile or --all, not both');
  let names: string[];
  if (opts.all) names = Object.keys(config.profiles);
  else {
    const name = opts.profile ?? ctx.env.ZENML_API_PROFILE ?? config.current;
    if (!name) throw new UsageError('no current profile: nothing to log out of');
    validateProfileName(name);
    if (!config.profiles[name]) throw unknownProfile(name, config);
    names = [name];
  }
  for (const name of names) {
    const p = config.profiles[name]!;
    await store.withProfileLock(name, async () => {
      const now = store.profiles.read().profiles[name] ?? p;
      await store.removeAll(name, now.storage);
      await store.profiles.update((cfg) => {
        const cur = cfg.profiles[name];
        if (!cur) return;
        delete cur.auth;
        delete cur.proAuth;
        delete cur.user;
        delete cur.username;
      });
    });
    ctx.warn(`Logged out of profile "${name}"${p.server ? ` (${p.server})` : ''}.`);
  }
  if (names.length === 0) ctx.warn('No profiles to log out of.');
  if (ctx.env.ZENML_STORE_URL) ctx.warn('note: ZENML_STORE_URL and its credentials are still set in the environment');
}
