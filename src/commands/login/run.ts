import { envServerCredentials } from '../../auth/env.js';
import { performLogin, type LoginMethod, type LoginResult } from '../../auth/login.js';
import { reloginHint } from '../../auth/kinds.js';
import { profileAllowsInsecureHttp, requireSafeTransport } from '../../auth/origin.js';
import { validateProfileName, type ConfigData, type StoredProfile } from '../../auth/profiles.js';
import { unknownProfile } from '../../auth/resolve.js';
import { expiryIso, formatWhen } from '../../auth/tokens.js';
import { normalizeServerUrl } from '../../auth/url.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { terminalSafe } from '../../output/sanitize.js';
import { confirm, promptHidden, readSecretFromStdin } from '../../output/prompt.js';
import { readSecretFlag } from '../secret-input.js';
import type { CommonOptions, Ctx } from '../context.js';
import type { LoginArgs, LoginOptions } from './spec.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

type Options = LoginOptions;

/**
 * Picks the profile name: --profile; else, with a URL, the current profile when it is on that
 * server, else the only profile on it, else "default" (or one named after the host); without a
 * URL, ZENML_API_PROFILE or the current profile.
 */
function pickProfile(config: ConfigData, server: string | undefined, flag: string | undefined, fromEnv: string | undefined): string {
  if (flag !== undefined) return validateProfileName(flag);
  if (server) {
    const onServer = Object.keys(config.profiles).filter((n) => config.profiles[n]!.server === server);
    if (config.current && onServer.includes(config.current)) return config.current;
    if (onServer.length === 1) return onServer[0]!;
    if (onServer.length > 1) throw new UsageError(`several profiles are on ${server} (${onServer.sort().join(', ')}): choose one with --profile NAME`);
    if (!config.profiles.default) return 'default';
    return validateProfileName(new URL(server).host.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'server');
  }
  const name = fromEnv ?? config.current;
  if (!name) throw new UsageError('which server? Give its URL: `zenml-api login https://zenml.example.com --api-key -`');
  if (!config.profiles[name]) throw unknownProfile(name, config);
  return name;
}

/** How an identity reads in a question: `service account "bot" on https://…`. */
function identity(p: Pick<StoredProfile, 'server' | 'user'>): string {
  const who = p.user ? `${p.user.serviceAccount ? 'service account' : 'user'} "${p.user.name}"` : 'nobody';
  return `${who} on ${p.server ?? '(no server)'}`;
}

/**
 * A login that would change who a profile is (another server, or another user) asks first on a
 * terminal (default no); without one it needs --force. A new profile, a logged-out one, or a
 * fresh login as the same identity does not ask.
 */
export async function guardIdentityChange(ctx: Ctx, force: boolean | undefined, profile: string, before: StoredProfile | undefined, after: Pick<StoredProfile, 'server' | 'user'>): Promise<void> {
  if (force || !before?.server || !before.auth) return;
  // Who a profile is, as its user sees it: the server's URL and the account's name and kind (ids
  // change when a server is deployed anew at the same URL, and that is not a change of identity).
  const serverChanges = before.server !== after.server;
  const userChanges = after.user !== undefined && before.user !== undefined && (before.user.name !== after.user.name || before.user.serviceAccount !== after.user.serviceAccount);
  if (!serverChanges && !userChanges) return;
  const change = `profile "${profile}" is ${identity(before)}; this login would make it ${after.user ? identity(after) : `a login on ${after.server}`}`;
  if (!ctx.io.stdinIsTTY || !ctx.io.stderrIsTTY) {
    throw new UsageError(`${change}: pass --force to replace it, or --profile NAME for another profile`);
  }
  if (!(await confirm(ctx.io, ctx.signal, `${change}. Replace it?`))) throw new UsageError('cancelled: nothing was changed');
}

export async function run({ serverUrl }: LoginArgs, opts: Options, ctx: Ctx): Promise<void> {
  const methods = [opts.apiKey !== undefined, opts.token !== undefined, opts.username !== undefined, opts.web === true, opts.proWorkspace !== undefined].filter(Boolean).length;
  if (methods > 1) throw new UsageError('choose one of --api-key, --token, --username, --web and --pro-workspace');
  if (opts.proWorkspace !== undefined) {
    if (serverUrl !== undefined) throw new UsageError('--pro-workspace finds the server URL itself: leave SERVER_URL out');
    const { loginToWorkspace } = await import('./workspace.js');
    return loginToWorkspace(opts.proWorkspace, opts, ctx);
  }
  if (opts.passwordStdin && opts.username === undefined) throw new UsageError('--password-stdin needs --username');
  const store = ctx.store();
  const config = store.profiles.read();
  const server = serverUrl !== undefined ? normalizeServerUrl(serverUrl) : undefined;
  const profile = pickProfile(config, server, opts.profile, serverUrl === undefined ? ctx.env.ZENML_API_PROFILE : undefined);
  const existing = config.profiles[profile];
  const target = server ?? existing?.server;
  if (!target) throw new UsageError(`profile "${profile}" has no server yet: give its URL`);
  requireSafeTransport(target, opts.allowInsecureHttp === true || profileAllowsInsecureHttp(existing ?? {}, target), 'flag');
  // Asked before any credential is sent: the server is known now, the user only after the login.
  await guardIdentityChange(ctx, opts.force, profile, existing, { server: target });
  let caCert: string | undefined;
  if (opts.caCert !== undefined) {
    caCert = resolve(opts.caCert);
    if (!existsSync(caCert) || !statSync(caCert).isFile()) throw new UsageError(`--ca-cert: no such file: ${opts.caCert}`);
    // Stored in the profile and read on every request: refuse now what TLS could never use.
    if (statSync(caCert).size > 16 << 20 || !readFileSync(caCert, 'latin1').includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--ca-cert: ${opts.caCert} is not a PEM certificate bundle (no "-----BEGIN CERTIFICATE-----" line)`);
    }
  }
  store.preference(); // a bad ZENML_API_STORE is refused before anything is sent

  let method: LoginMethod;
  const secrets = ctx.net(opts).secrets!;
  if (opts.apiKey !== undefined) {
    const apiKey = await readSecretFlag(ctx, opts.apiKey, 'API key', '--api-key');
    secrets.push(apiKey);
    if (apiKey.startsWith('ZENPROKEY_')) {
      throw new UsageError('that is a ZenML Pro API key (ZENPROKEY_…): it logs in to the Pro management API, not to a workspace server directly', {
        hint: 'Use `zenml-api pro login --api-key -`, then `zenml-api login --pro-workspace NAME`.',
      });
    }
    if (!apiKey.startsWith('ZENKEY_')) ctx.warn('warning: ZenML API keys start with ZENKEY_; trying it anyway');
    method = { kind: 'api-key', apiKey };
  } else if (opts.token !== undefined) {
    const token = await readSecretFlag(ctx, opts.token, 'token', '--token');
    secrets.push(token);
    method = { kind: 'token', token };
  } else if (opts.username !== undefined) {
    if (opts.username === '') throw new UsageError('--username is empty');
    let password: string;
    if (opts.passwordStdin) password = await readSecretFromStdin(ctx.io, 'password', true);
    else if (ctx.io.stdinIsTTY) password = await promptHidden(ctx.io, `password for ${opts.username}`);
    else throw new UsageError('no terminal to ask for the password on: pass --password-stdin and the password on stdin');
    if (password) secrets.push(password);
    method = { kind: 'password', username: opts.username, password };
  } else if (opts.web) {
    method = {
      kind: 'device',
      onCode: ({ url, userCode, expiresIn }) => {
        ctx.warn(`Open this URL in a browser and confirm the code ${terminalSafe(userCode)}:`);
        ctx.warn(`  ${terminalSafe(url)}`);
        ctx.warn(`Waiting for approval (the code expires in ${Math.round(expiresIn / 60)} min; Ctrl-C to cancel)…`);
      },
    };
  } else {
    throw new UsageError('how do you want to log in? Pass --api-key, --token, --username or --web (see `zenml-api login --help`)');
  }

  if (server === undefined) ctx.warn(`Logging in to ${target} for profile "${profile}".`);
  if (envServerCredentials(ctx.env)) {
    ctx.warn('note: ZENML_STORE_URL is set: commands without --profile use those environment credentials, not this profile, until it is unset');
  }

  const result = await performLogin(
    {
      profile,
      server: target,
      settings: { ...(caCert ? { caCert } : existing?.caCert ? { caCert: existing.caCert } : {}), ...(opts.verifySsl === false ? { verifySsl: false } : {}) },
      method,
      forceFile: opts.insecureStorage === true,
      makeCurrent: opts.switch !== false,
      insecureHttp: opts.allowInsecureHttp === true,
      beforeStore: (after) => guardIdentityChange(ctx, opts.force, profile, existing, after),
    },
    { store, net: ctx.net(opts), now: ctx.now, warn: ctx.warn },
  );
  printLoginResult(ctx, opts, result, store.file.location);
}

export function printLoginResult(ctx: Ctx, opts: CommonOptions, result: LoginResult, fileLocation: string): void {
  const body = (result.user.body ?? {}) as Record<string, unknown>;
  const kind = body.is_service_account ? 'service account' : 'user';
  const expiry = result.token.expiresAt === null ? 'never expires' : `expires ${formatWhen(result.token.expiresAt, ctx.now())}`;
  if (opts.json) {
    printJson(ctx.io, {
      profile: result.profile,
      server: result.server,
      server_version: result.info.version,
      user: { id: result.user.id, name: result.user.name, service_account: Boolean(body.is_service_account) },
      token_expires_at: expiryIso(result.token.expiresAt),
      renewable: result.renewable,
      storage: result.storage,
    });
    return;
  }
  ctx.warn(`Logged in to ${result.server} (ZenML ${terminalSafe(result.info.version)}) as ${terminalSafe(result.user.name)} (${kind}), profile "${result.profile}".`);
  ctx.warn(`The token ${expiry}${result.renewable && result.token.expiresAt !== null ? ' and is renewed automatically' : ''}; secrets are in ${result.storage === 'keychain' ? 'the OS keychain' : fileLocation}.`);
  if (!result.renewable && result.token.expiresAt !== null) ctx.warn(`It cannot be renewed: ${reloginHint(result.kind, result.profile, false)}`);
}
