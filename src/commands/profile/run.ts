import { credentialsLabel, renews } from '../../auth/kinds.js';
import { proApiUrlOf, validateProfileName, type StoredProfile } from '../../auth/profiles.js';
import { unknownProfile } from '../../auth/resolve.js';
import { SECRET_NAMES, type SecretName } from '../../auth/store.js';
import { formatWhen, isoTime, parseStoredToken } from '../../auth/tokens.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printRecord, printTable } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { NoOptions, ProfileListOptions, ProfileNameArgs, ProfileShowArgs } from './spec.js';

function summary(name: string, p: StoredProfile, current: boolean) {
  return {
    name,
    current,
    server: p.server ?? null,
    auth: p.auth ?? null,
    user: p.user?.name ?? (p.username || null),
    pro_auth: p.proAuth ?? null,
    pro_api_url: p.proAuth ? proApiUrlOf(p) : null,
    renewable: renews(p.auth, p),
    pro_renewable: p.proAuth ? renews(p.proAuth) : null,
    storage: p.storage ?? null,
  };
}

export async function list(_a: NoArgs, opts: ProfileListOptions, ctx: Ctx): Promise<void> {
  const cfg = ctx.store().profiles.read();
  const rows = Object.entries(cfg.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, p]) => summary(n, p, n === cfg.current));
  if (opts.json) return printJson(ctx.io, rows);
  if (rows.length === 0) {
    ctx.warn('No profiles yet: run `zenml-api login SERVER_URL`.');
    return;
  }
  await printTable(
    ctx.io,
    ['', 'PROFILE', 'SERVER', 'AUTH', 'USER', 'STORAGE'],
    rows.map((r) => [r.current ? '*' : '', r.name, r.server ?? '', credentialsLabel(r.auth ?? undefined, r.pro_auth ?? undefined), r.user ?? '', r.storage ?? '']),
  );
}

export async function use(args: ProfileNameArgs, _opts: NoOptions, ctx: Ctx): Promise<void> {
  const name = validateProfileName(args.name);
  await ctx.store().profiles.update((cfg) => {
    if (!cfg.profiles[name]) throw unknownProfile(name, cfg);
    cfg.current = name;
  });
  ctx.warn(`Now using profile "${name}".`);
}

export async function show(args: ProfileShowArgs, opts: ProfileListOptions, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  const cfg = store.profiles.read();
  const name = args.name ?? ctx.env.ZENML_API_PROFILE ?? cfg.current;
  if (!name) throw new UsageError('no current profile: name one');
  validateProfileName(name);
  const p = cfg.profiles[name];
  if (!p) throw unknownProfile(name, cfg);
  const secrets: Partial<Record<SecretName, boolean>> = {};
  const expiries: Partial<Record<'access-token' | 'pro-token', string | null>> = {};
  for (const n of SECRET_NAMES) {
    const v = p.storage ? await store.get(name, p.storage, n) : null;
    secrets[n] = v !== null;
    if (n === 'access-token' || n === 'pro-token') {
      const t = parseStoredToken(v);
      expiries[n] = t?.expiresAt != null ? isoTime(t.expiresAt) : null;
    }
  }
  if (opts.json) {
    printJson(ctx.io, {
      ...summary(name, p, name === cfg.current),
      ca_cert: p.caCert ?? null,
      verify_ssl: p.verifySsl !== false,
      server_version: p.serverVersion ?? null,
      token_expires_at: expiries['access-token'] ?? null,
      pro_token_expires_at: expiries['pro-token'] ?? null,
      secrets,
    });
    return;
  }
  const present = (b: boolean | undefined, expiry?: string | null) => (b ? `present${expiry ? `, expires ${formatWhen(Date.parse(expiry), ctx.now())}` : ''}` : 'absent');
  await printRecord(ctx.io, [
    ['profile', `${name}${name === cfg.current ? ' (current)' : ''}`],
    ['server', p.server ?? ''],
    ['server version', p.serverVersion ?? ''],
    ['auth', credentialsLabel(p.auth, p.proAuth)],
    ['renewed automatically', [p.auth ? (renews(p.auth, p) ? 'yes' : 'no') : null, p.proAuth ? `Pro: ${renews(p.proAuth) ? 'yes' : 'no'}` : null].filter(Boolean).join(', ')],
    ['user', p.user ? `${p.user.name}${p.user.serviceAccount ? ' (service account)' : ''}` : (p.username ?? '')],
    ['storage', p.storage === 'file' ? `file (${store.file.location})` : (p.storage ?? '')],
    ['CA bundle', p.caCert ?? ''],
    ['verify TLS', p.verifySsl === false ? 'no' : 'yes'],
    ['Pro API', p.proAuth ? proApiUrlOf(p) : (p.proApiUrl ?? '')],
    ['Pro auth', p.proAuth ?? ''],
    ['API key', present(secrets['api-key'])],
    ['password', present(secrets.password)],
    ['access token', present(secrets['access-token'], expiries['access-token'])],
    ['Pro token', present(secrets['pro-token'], expiries['pro-token'])],
    ['Pro API key', present(secrets['pro-api-key'])],
  ]);
}

export async function remove(args: ProfileNameArgs, _opts: NoOptions, ctx: Ctx): Promise<void> {
  const name = validateProfileName(args.name);
  const store = ctx.store();
  const cfg = store.profiles.read();
  const p = cfg.profiles[name];
  if (!p) throw unknownProfile(name, cfg);
  await store.withProfileLock(name, async () => {
    await store.removeAll(name, store.profiles.read().profiles[name]?.storage ?? p.storage);
    await store.profiles.update((c) => {
      delete c.profiles[name];
      if (c.current === name) delete c.current;
    });
  });
  ctx.warn(`Removed profile "${name}" and its secrets.`);
}
