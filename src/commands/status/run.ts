import { envServerCredentials } from '../../auth/env.js';
import { CorruptedFileError } from '../../auth/fsutil.js';
import type { StoredProfile } from '../../auth/profiles.js';
import { credentialsLabel, type ProKind, type ServerKind } from '../../auth/kinds.js';
import { ProSession } from '../../auth/pro-session.js';
import { ENV_PROFILE_NAME, noCurrentProfile, resolveProCredentials, resolveProfile, type ActiveProfile } from '../../auth/resolve.js';
import { ServerSession } from '../../auth/session.js';
import type { TokenSession } from '../../auth/token-session.js';
import { formatWhen, isExpiring, isoTime, relativeTime, type StoredToken } from '../../auth/tokens.js';
import { AuthError, isCliError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { StatusOptions } from './spec.js';

type Options = StatusOptions;

type TokenState = 'valid' | 'expiring' | 'expired' | 'missing' | 'never expires' | 'unreadable';

interface ProRow {
  auth: ProKind;
  api_url: string;
  token: TokenState;
  token_expires_at: string | null;
  renewable: boolean;
}

interface Row {
  name: string;
  current: boolean;
  server: string | null;
  auth: ServerKind | null;
  user: string | null;
  token_expires_at: string | null;
  /** `expiring`: still valid but inside the renewal leeway, so it is renewed (or refused) at next use. */
  token: TokenState;
  renewable: boolean;
  storage: 'keychain' | 'file' | 'environment' | null;
  /** The profile's ZenML Pro credentials, if it has any. */
  pro: ProRow | null;
  can_authenticate: boolean;
  problem: string | null;
  check?: 'ok' | 'failed';
}

/** What a session's stored token says, without renewing it. */
async function tokenState(session: TokenSession, now: number): Promise<{ stored: StoredToken | null; state: TokenState; problem: string | null; usable: boolean }> {
  let stored: StoredToken | null;
  try {
    stored = await session.storedToken();
  } catch (e) {
    // A damaged credentials file is not one profile's problem: say it once, as every command does.
    if (e instanceof CorruptedFileError) throw e;
    return { stored: null, state: 'unreadable', problem: isCliError(e) ? e.message : String(e), usable: false };
  }
  const expiring = stored ? isExpiring(stored, now) : true;
  const state: TokenState = !stored ? 'missing' : stored.expiresAt === null ? 'never expires' : stored.expiresAt <= now ? 'expired' : expiring ? 'expiring' : 'valid';
  const usable = (stored !== null && !expiring) || session.renewable;
  const problem = usable
    ? null
    : stored?.expiresAt != null
      ? `${session.audience === 'pro' ? 'Pro token' : 'token'} ${stored.expiresAt <= now ? 'expired' : 'expires'} ${formatWhen(stored.expiresAt, now)} and cannot be renewed`
      : `no ${session.audience === 'pro' ? 'Pro token' : 'token'}`;
  return { stored, state, problem, usable };
}

const iso = (t: StoredToken | null) => (t?.expiresAt != null ? isoTime(t.expiresAt) : null);

export async function run(_args: NoArgs, opts: Options, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  const cfg = store.profiles.read();
  const now = ctx.now();
  const profiles: ActiveProfile[] = [];
  let resolved: ActiveProfile | undefined;
  let resolveError: unknown;
  try {
    resolved = resolveProfile(cfg, { env: ctx.env });
  } catch (e) {
    resolveError = e;
  }
  const currentName = resolved?.name;
  // With ZENML_STORE_* set, the current profile is the environment's (its error is the answer).
  if (envServerCredentials(ctx.env)) {
    if (!resolved) throw resolveError;
    profiles.push(resolved);
  }
  for (const [name, p] of Object.entries(cfg.profiles).sort(([a], [b]) => a.localeCompare(b))) {
    profiles.push({ name, source: 'flag', settings: p as StoredProfile });
  }
  const rows: Row[] = [];
  for (const ap of profiles) {
    const deps = { store, net: ctx.net(opts), now: ctx.now, warn: ctx.warn };
    const session = new ServerSession(ap, deps);
    const hasServer = Boolean(ap.settings.server && (ap.settings.auth || ap.env));
    const server = hasServer ? await tokenState(session, now) : null;
    let pro: ProRow | null = null;
    let proUsable = false;
    let proProblem: string | null = null;
    if (!ap.env && ap.settings.proAuth) {
      // The one resolver, for this profile, without the environment: status reports what is stored.
      const ps = new ProSession(store, resolveProCredentials(cfg, { flag: ap.name, env: {} }), { ...deps, env: {} });
      const st = await tokenState(ps, now);
      pro = { auth: ap.settings.proAuth, api_url: ps.active.baseUrl, token: st.state, token_expires_at: iso(st.stored), renewable: ps.renewable };
      proUsable = st.usable;
      proProblem = st.problem;
    }
    const canAuth = (server?.usable ?? false) || proUsable;
    const row: Row = {
      name: ap.name,
      current: ap.name === currentName,
      server: ap.settings.server ?? null,
      auth: ap.settings.auth ?? null,
      user: ap.settings.user?.name ?? ap.settings.username ?? null,
      token_expires_at: iso(server?.stored ?? null),
      token: server?.state ?? 'missing',
      renewable: hasServer && session.renewable,
      storage: ap.env ? 'environment' : (ap.settings.storage ?? null),
      pro,
      can_authenticate: canAuth,
      problem: canAuth ? null : (server?.problem ?? proProblem ?? 'logged out'),
    };
    if (opts.check && hasServer) {
      try {
        const [{ makeClient }, { ZenmlApi }] = await Promise.all([import('../../auth/connect.js'), import('../../api/zenml.js')]);
        const client = makeClient(session.server, ap.settings, ctx.net(opts), session.provider(), ctx.warn);
        try {
          const user = await new ZenmlApi(client).currentUser();
          row.check = 'ok';
          row.user = user.name;
          row.can_authenticate = true;
          row.problem = null;
        } finally {
          await client.close();
        }
      } catch (e) {
        row.check = 'failed';
        row.can_authenticate = false;
        row.problem = isCliError(e) ? e.message : String(e);
      }
    }
    rows.push(row);
  }

  if (opts.json) printJson(ctx.io, rows);
  else if (rows.length === 0) ctx.warn('No profiles: run `zenml-api login SERVER_URL`, or set ZENML_STORE_URL and ZENML_STORE_API_KEY.');
  else {
    await printTable(
      ctx.io,
      ['', 'PROFILE', 'SERVER', 'AUTH', 'USER', 'TOKEN', 'STORAGE', ...(opts.check ? ['CHECK'] : [])],
      rows.map((r) => [
        r.current ? '*' : '',
        r.name,
        r.server ?? '',
        credentialsLabel(r.auth ?? undefined, r.pro?.auth),
        r.user ?? '',
        r.auth ? tokenColumn(r.token, r.token_expires_at, now) : '',
        r.storage ?? '',
        ...(opts.check ? [r.check === 'ok' ? 'ok' : r.check ? `failed: ${r.problem}` : ''] : []),
      ]),
    );
  }
  const current = rows.find((r) => r.current);
  if (!current) throw rows.length ? noCurrentProfile(cfg) : new AuthError('no current profile', { hint: 'Run `zenml-api login SERVER_URL`.' });
  if (!current.can_authenticate) {
    throw new AuthError(`the current profile "${current.name === ENV_PROFILE_NAME ? 'environment' : current.name}" cannot authenticate: ${current.problem ?? 'unknown reason'}`);
  }
}

/** "valid until 2026-12-01 11:08 UTC (in 60 min)": a table cell a person reads at a glance. */
function tokenColumn(state: Row['token'], expiresAt: string | null | undefined, now: number): string {
  if (!expiresAt) return state;
  const ms = Date.parse(expiresAt);
  const when = `${isoTime(ms).slice(0, 16).replace('T', ' ')} UTC (${relativeTime(ms, now)})`;
  if (state === 'valid') return `valid until ${when}`;
  if (state === 'expiring') return `expiring ${when}`;
  if (state === 'expired') return `expired ${when}`;
  return `${state} (${when})`;
}
