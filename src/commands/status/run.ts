import { envServerCredentials } from '../../auth/env.js';
import type { StoredProfile } from '../../auth/profiles.js';
import { ENV_PROFILE_NAME, resolveProfile, type ActiveProfile } from '../../auth/resolve.js';
import { ServerSession } from '../../auth/session.js';
import { formatWhen, isExpiring, relativeTime, type StoredToken } from '../../auth/tokens.js';
import { AuthError, isCliError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { StatusOptions } from './spec.js';

type Options = StatusOptions;

interface Row {
  name: string;
  current: boolean;
  server: string | null;
  auth: string | null;
  user: string | null;
  token_expires_at: string | null;
  /** `expiring`: still valid but inside the renewal leeway, so it is renewed (or refused) at next use. */
  token: 'valid' | 'expiring' | 'expired' | 'missing' | 'never expires' | 'unreadable';
  storage: 'keychain' | 'file' | 'environment' | null;
  can_authenticate: boolean;
  problem: string | null;
  check?: 'ok' | 'failed';
}

export async function run(_args: string[], opts: Options, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  const cfg = store.profiles.read();
  const now = ctx.now();
  const profiles: ActiveProfile[] = [];
  let currentName: string | undefined;
  let resolved: ActiveProfile | undefined;
  try {
    resolved = resolveProfile(cfg, { env: ctx.env });
  } catch {
    resolved = undefined;
  }
  currentName = resolved?.name;
  // With ZENML_STORE_* set, the current profile is the environment's (resolved again only to report its error).
  if (envServerCredentials(ctx.env)) profiles.push(resolved ?? resolveProfile(cfg, { env: ctx.env }));
  for (const [name, p] of Object.entries(cfg.profiles).sort(([a], [b]) => a.localeCompare(b))) {
    profiles.push({ name, source: 'flag', settings: p as StoredProfile });
  }
  const rows: Row[] = [];
  for (const ap of profiles) {
    const session = new ServerSession(ap, { store, net: ctx.net(opts), now: ctx.now, warn: ctx.warn });
    let stored: StoredToken | null = null;
    let problem: string | null = null;
    let unreadable = false;
    if (ap.settings.auth || ap.env) {
      try {
        stored = await session.storedToken();
      } catch (e) {
        unreadable = true;
        problem = isCliError(e) ? e.message : String(e);
      }
    }
    const expiring = stored ? isExpiring(stored, now) : true;
    const renewable = session.renewable;
    const canAuth = Boolean(ap.settings.server) && !unreadable && ((stored !== null && !expiring) || renewable);
    if (!problem && !canAuth) {
      problem = !ap.settings.auth
        ? 'logged out'
        : stored?.expiresAt != null
          ? `token ${stored.expiresAt <= now ? 'expired' : 'expires'} ${formatWhen(stored.expiresAt, now)} and cannot be renewed`
          : 'no token';
    }
    const row: Row = {
      name: ap.name,
      current: ap.name === currentName,
      server: ap.settings.server ?? null,
      auth: ap.settings.auth ?? null,
      user: ap.settings.user?.name ?? ap.settings.username ?? null,
      token_expires_at: stored?.expiresAt != null ? new Date(stored.expiresAt).toISOString() : null,
      token: unreadable
        ? 'unreadable'
        : !stored
          ? 'missing'
          : stored.expiresAt === null
            ? 'never expires'
            : stored.expiresAt <= now
              ? 'expired'
              : expiring
                ? 'expiring'
                : 'valid',
      storage: ap.env ? 'environment' : (ap.settings.storage ?? null),
      can_authenticate: canAuth,
      problem,
    };
    if (opts.check && ap.settings.server && (ap.settings.auth || ap.env)) {
      try {
        const [{ makeClient }, { ZenmlApi }] = await Promise.all([import('../../auth/connect.js'), import('../../api/zenml.js')]);
        const client = makeClient(ap.settings.server, ap.settings, ctx.net(opts), session.provider(), ctx.warn);
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
        r.auth ?? 'logged out',
        r.user ?? '',
        tokenColumn(r.token, r.token_expires_at, now),
        r.storage ?? '',
        ...(opts.check ? [r.check === 'ok' ? 'ok' : r.check ? `failed: ${r.problem}` : ''] : []),
      ]),
    );
  }
  const current = rows.find((r) => r.current);
  if (!current) throw new AuthError('no current profile', { hint: 'Run `zenml-api login SERVER_URL`.' });
  if (!current.can_authenticate) {
    throw new AuthError(`the current profile "${current.name === ENV_PROFILE_NAME ? 'environment' : current.name}" cannot authenticate: ${current.problem ?? 'unknown reason'}`);
  }
}

/** "valid until 2026-12-01 11:08 UTC (in 60 min)": a table cell a person reads at a glance. */
function tokenColumn(state: Row['token'], expiresAt: string | null | undefined, now: number): string {
  if (!expiresAt) return state;
  const ms = Date.parse(expiresAt);
  const when = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC (${relativeTime(ms, now)})`;
  if (state === 'valid') return `valid until ${when}`;
  if (state === 'expiring') return `expiring ${when}`;
  if (state === 'expired') return `expired ${when}`;
  return `${state} (${when})`;
}
