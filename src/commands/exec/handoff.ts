/**
 * The variables `exec` and `env` hand to other programs: the ones the ZenML Python client reads
 * (ZENML_STORE_URL, ZENML_STORE_API_TOKEN, ZENML_STORE_VERIFY_SSL; with --pro ZENML_PRO_API_URL
 * and ZENML_PRO_API_TOKEN). The token is a new short-lived one unless the server cannot mint one
 * or --no-mint says otherwise; a key or password never leaves this process.
 */
import { resolve } from 'node:path';
import { ApiError, UsageError } from '../../errors.js';
import type { StoredProfile } from '../../auth/profiles.js';
import { formatWhen } from '../../auth/tokens.js';
import type { CommonOptions, Ctx } from '../context.js';
import type { HandoffOptions } from './spec.js';
import { connect } from '../session.js';
import { expiresInSeconds, mintToken, MintRefused, type MintedToken } from '../token/mint.js';

export type { HandoffOptions };

export interface Handoff {
  /** In the order they are printed. */
  vars: Record<string, string>;
  /** Epoch ms of the server token's expiry, null when it never expires. */
  expiresAt: number | null;
}

/** Long-lived credentials that a child must not inherit: the reason these commands exist. */
export const WITHHELD = ['ZENML_STORE_API_KEY', 'ZENML_STORE_USERNAME', 'ZENML_STORE_PASSWORD', 'ZENML_PRO_API_KEY'] as const;

export const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Statuses with which a server says it will not mint this token (an older or restricted
 * /api_token); anything else (401, 5xx, network) is a failure the user must see.
 */
const CANNOT_MINT = new Set([400, 403, 404, 405, 422, 501]);

export async function handoffVariables(opts: HandoffOptions, ctx: Ctx): Promise<Handoff> {
  if (opts.mint === false && opts.expiresIn !== undefined) throw new UsageError('--expires-in and --no-mint cannot be used together');
  const seconds = opts.mint === false ? null : expiresInSeconds(opts.expiresIn ?? String(DEFAULT_LIFETIME_SECONDS));
  const net = ctx.net(opts);
  const { session, client, api } = await connect(ctx, opts);
  let token: MintedToken | null = null;
  try {
    if (seconds !== null) {
      try {
        token = await mintToken(session, api, seconds, ctx, net.log);
      } catch (e) {
        if (!(e instanceof MintRefused) && !(e instanceof ApiError && CANNOT_MINT.has(e.status))) throw e;
        ctx.warn(`note: the server did not mint a short-lived token (${e.message}); passing on the profile's own token`);
      }
    }
    if (token === null) {
      token = await session.validToken();
      if (token.expiresAt === null) ctx.warn('note: the token passed on never expires; it stays valid after the command ends');
    }
  } finally {
    await client.close();
  }
  // Redacted from --verbose logs like every other secret of this process.
  net.secrets?.push(token.token);
  const vars: Record<string, string> = { ZENML_STORE_URL: session.server, ZENML_STORE_API_TOKEN: token.token };
  const verify = verifySslValue(session.profile.settings, opts);
  if (verify !== undefined) vars.ZENML_STORE_VERIFY_SSL = verify;
  if (opts.pro) Object.assign(vars, await proVariables(opts, ctx));
  return { vars, expiresAt: token.expiresAt };
}

/**
 * ZENML_STORE_VERIFY_SSL as the Python client reads it: `false`, `true`, or a CA bundle's path
 * (absolute, so that it holds wherever the variables are used) or PEM text.
 */
export function verifySslValue(settings: Pick<StoredProfile, 'caCert' | 'verifySsl'>, opts: Pick<CommonOptions, 'verifySsl'>): string | undefined {
  if (opts.verifySsl === false || settings.verifySsl === false) return 'false';
  if (settings.caCert) return settings.caCert.includes('-----BEGIN') ? settings.caCert : resolve(settings.caCert);
  if (settings.verifySsl === true) return 'true';
  return undefined;
}

async function proVariables(opts: HandoffOptions, ctx: Ctx): Promise<Record<string, string>> {
  const { openProSession } = await import('../../auth/pro-session.js');
  const net = ctx.net(opts);
  const pro = openProSession(ctx.store(), { flag: opts.profile, env: ctx.env, net, now: ctx.now, warn: ctx.warn });
  const t = await pro.validToken();
  net.secrets?.push(t.token);
  return { ZENML_PRO_API_URL: pro.baseUrl, ZENML_PRO_API_TOKEN: t.token };
}

/** For --verbose and the terminal note: when the token handed on expires. */
export function describeExpiry(h: Handoff, now: number): string {
  return h.expiresAt === null ? 'never expires' : `expires ${formatWhen(h.expiresAt, now)}`;
}

/**
 * The child's environment: the parent's, without the withheld credentials, with the handoff's
 * variables. Returns which withheld names were present (for --verbose: names, never values).
 */
export function childEnvironment(parent: Record<string, string | undefined>, vars: Record<string, string>): { env: Record<string, string>; withheld: string[] } {
  const env: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [k, v] of Object.entries(parent)) {
    if (v === undefined) continue;
    if ((WITHHELD as readonly string[]).includes(k)) withheld.push(k);
    else env[k] = v;
  }
  return { env: { ...env, ...vars }, withheld };
}
