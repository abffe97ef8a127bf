import { ProApi, workspaceServerUrl } from '../../api/pro.js';
import { makeProClient } from '../../auth/connect.js';
import { envProCredentials } from '../../auth/env.js';
import { performProLogin } from '../../auth/pro-login.js';
import { openProSession } from '../../auth/pro-session.js';
import { DEFAULT_PRO_API_URL, validateProfileName } from '../../auth/profiles.js';
import { unknownProfile } from '../../auth/resolve.js';
import { profileAllowsInsecureHttp, requireSafeTransport } from '../../auth/origin.js';
import { expiryIso, formatWhen } from '../../auth/tokens.js';
import { normalizeServerUrl } from '../../auth/url.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { terminalSafe } from '../../output/sanitize.js';
import { readSecretFlag } from '../secret-input.js';
import { printRecord, printTable } from '../../output/table.js';
import type { CommonOptions, Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { ProLoginOptions, ProLogoutOptions, ProRequestOptions, ProWorkspacesOptions } from './spec.js';

type LoginOptions = ProLoginOptions;

export async function login(_args: NoArgs, opts: LoginOptions, ctx: Ctx): Promise<void> {
  if ((opts.token !== undefined) === (opts.apiKey !== undefined)) throw new UsageError('pass one of --token and --api-key');
  const store = ctx.store();
  const cfg = store.profiles.read();
  const profile = opts.profile !== undefined ? validateProfileName(opts.profile) : (ctx.env.ZENML_API_PROFILE ?? cfg.current ?? 'default');
  if (opts.profile === undefined && ctx.env.ZENML_API_PROFILE && !cfg.profiles[profile]) throw unknownProfile(profile, cfg);
  const existing = cfg.profiles[profile];
  const proApiUrl = opts.proApiUrl
    ? normalizeServerUrl(opts.proApiUrl, 'Pro API URL')
    : (envProCredentials(ctx.env)?.proApiUrl ?? existing?.proApiUrl ?? DEFAULT_PRO_API_URL);
  const secrets = ctx.net(opts).secrets!;
  let method: { kind: 'pro-token'; token: string } | { kind: 'pro-api-key'; apiKey: string };
  // Refused before the secret is even read; performProLogin checks again, as every login does.
  requireSafeTransport(proApiUrl, opts.allowInsecureHttp === true || profileAllowsInsecureHttp(existing ?? {}, proApiUrl), 'flag');
  if (opts.apiKey !== undefined) {
    const apiKey = await readSecretFlag(ctx, opts.apiKey, 'ZenML Pro API key', '--api-key');
    secrets.push(apiKey);
    if (apiKey.startsWith('ZENKEY_')) {
      throw new UsageError('that is a ZenML server API key (ZENKEY_…), not a Pro key: use `zenml-api login SERVER_URL --api-key -`');
    }
    if (!apiKey.startsWith('ZENPROKEY_')) ctx.warn('warning: ZenML Pro API keys start with ZENPROKEY_; trying it anyway');
    method = { kind: 'pro-api-key', apiKey };
  } else {
    const token = await readSecretFlag(ctx, opts.token!, 'ZenML Pro API token', '--token');
    secrets.push(token);
    method = { kind: 'pro-token', token };
  }
  const r = await performProLogin(
    { profile, proApiUrl, method, forceFile: opts.insecureStorage === true, insecureHttp: opts.allowInsecureHttp === true },
    { store, net: ctx.net(opts), now: ctx.now, warn: ctx.warn },
  );
  const who = r.user.email ?? r.user.username ?? r.user.name ?? r.user.id;
  const expiry = r.token.expiresAt === null ? 'has no known expiry' : `expires ${formatWhen(r.token.expiresAt, ctx.now())}`;
  if (opts.json) {
    printJson(ctx.io, { profile, pro_api_url: proApiUrl, user: r.user, token_expires_at: expiryIso(r.token.expiresAt), renewable: r.renewable, storage: r.storage });
    return;
  }
  ctx.warn(`Logged in to ZenML Pro (${proApiUrl}) as ${terminalSafe(String(who))}${r.user.is_service_account ? ' (service account)' : ''}, profile "${profile}".`);
  ctx.warn(`The Pro token ${expiry}${r.renewable ? ' and is renewed from the key automatically' : ''}.`);
}

export async function logout(_args: NoArgs, opts: ProLogoutOptions, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  const cfg = store.profiles.read();
  const name = opts.profile ?? ctx.env.ZENML_API_PROFILE ?? cfg.current;
  if (!name) throw new UsageError('no current profile');
  validateProfileName(name);
  const p = cfg.profiles[name];
  if (!p) throw unknownProfile(name, cfg);
  if (p.storage) await store.write(name, p.storage, { 'pro-token': null, 'pro-api-key': null });
  await store.profiles.update((c) => {
    if (c.profiles[name]) delete c.profiles[name]!.proAuth;
  });
  ctx.warn(`Logged out of ZenML Pro in profile "${name}"; its server credentials are untouched.`);
}

function session(ctx: Ctx, opts: CommonOptions) {
  return openProSession(ctx.store(), { flag: opts.profile, env: ctx.env, net: ctx.net(opts), now: ctx.now, warn: ctx.warn });
}

async function withApi<T>(ctx: Ctx, opts: CommonOptions, fn: (api: ProApi) => Promise<T>): Promise<T> {
  const s = session(ctx, opts);
  const client = makeProClient(s.baseUrl, ctx.net(opts), s.provider(), ctx.warn);
  try {
    return await fn(new ProApi(client));
  } finally {
    await client.close();
  }
}

export async function token(_args: NoArgs, opts: ProRequestOptions, ctx: Ctx): Promise<void> {
  const s = session(ctx, opts);
  const t = await s.validToken();
  if (opts.json) {
    printJson(ctx.io, { token: t.token, expires_at: expiryIso(t.expiresAt), profile: s.profileName, pro_api_url: s.baseUrl });
    return;
  }
  ctx.io.out(`${t.token}\n`);
}

export async function usersMe(_args: NoArgs, opts: ProRequestOptions, ctx: Ctx): Promise<void> {
  const me = await withApi(ctx, opts, (api) => api.me());
  if (opts.json) return printJson(ctx.io, me);
  await printRecord(ctx.io, [
    ['name', me.name ?? ''],
    ['username', me.username ?? ''],
    ['email', me.email ?? ''],
    ['id', me.id],
    ['organization', me.organization_id ?? ''],
    ['service account', me.is_service_account ? 'yes' : 'no'],
    ['active', me.is_active === undefined ? '' : me.is_active ? 'yes' : 'no'],
  ]);
}

export async function organizationsList(_args: NoArgs, opts: ProRequestOptions, ctx: Ctx): Promise<void> {
  const orgs = await withApi(ctx, opts, (api) => api.organizations());
  if (opts.json) return printJson(ctx.io, orgs);
  await printTable(ctx.io, ['NAME', 'ID', 'DESCRIPTION'], orgs.map((o) => [o.name, o.id, (o.description as string | null) ?? '']));
}

export async function workspacesList(_args: NoArgs, opts: ProWorkspacesOptions, ctx: Ctx): Promise<void> {
  const list = await withApi(ctx, opts, (api) => api.workspaces(opts.organization ? { organization_id: opts.organization } : {}));
  if (opts.json) return printJson(ctx.io, list);
  await printTable(
    ctx.io,
    ['NAME', 'ID', 'ORGANIZATION', 'STATUS', 'SERVER URL'],
    list.map((w) => [w.name, w.id, w.organization?.name ?? '', w.status ?? '', workspaceServerUrl(w) ?? '']),
  );
}

