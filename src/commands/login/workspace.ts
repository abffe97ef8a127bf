/** `login --pro-workspace`: find a Pro workspace's server and log in to it with the Pro token. */
import { ProApi, workspaceServerUrl, type ProWorkspace } from '../../api/pro.js';
import { makeProClient } from '../../auth/connect.js';
import { performLogin } from '../../auth/login.js';
import { openProSession } from '../../auth/pro-session.js';
import { DEFAULT_PRO_API_URL, validateProfileName } from '../../auth/profiles.js';
import { serializeToken } from '../../auth/tokens.js';
import { normalizeServerUrl } from '../../auth/url.js';
import { AuthError, UsageError } from '../../errors.js';
import type { CommonOptions, Ctx } from '../context.js';
import { guardIdentityChange, printLoginResult } from './run.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findWorkspace(api: ProApi, nameOrId: string): Promise<ProWorkspace> {
  if (UUID.test(nameOrId)) return api.workspace(nameOrId);
  const matches = (await api.workspaces({ workspace_name: nameOrId })).filter((w) => w.name === nameOrId || w.id === nameOrId);
  if (matches.length === 0) throw new UsageError(`no ZenML Pro workspace named "${nameOrId}" (see \`zenml-api pro workspaces list\`)`);
  if (matches.length > 1) throw new UsageError(`several workspaces are named "${nameOrId}": use its id (see \`zenml-api pro workspaces list\`)`);
  return matches[0]!;
}

interface WorkspaceOptions extends CommonOptions {
  insecureStorage?: boolean;
  switch?: boolean;
  proProfile?: string;
  allowInsecureHttp?: boolean;
  force?: boolean;
}

export async function loginToWorkspace(nameOrId: string, opts: WorkspaceOptions, ctx: Ctx): Promise<void> {
  const store = ctx.store();
  // The Pro credentials: --pro-profile, else ZENML_PRO_API_*, else --profile or the current
  // profile when it holds them, else the only profile that does (auth/resolve.ts).
  const pro = openProSession(store, { flag: opts.proProfile, selected: opts.profile, env: ctx.env, net: ctx.net(opts), now: ctx.now, warn: ctx.warn });
  const proToken = await pro.validToken();
  const client = makeProClient(pro.baseUrl, ctx.net(opts), pro.provider(), ctx.warn);
  let ws: ProWorkspace;
  try {
    ws = await findWorkspace(new ProApi(client), nameOrId);
  } finally {
    await client.close();
  }
  const url = workspaceServerUrl(ws);
  if (!url || (ws.status && ws.status !== 'available')) {
    throw new AuthError(`workspace "${ws.name}" is not running (status: ${ws.status ?? 'unknown'}), so it has no server to log in to`);
  }
  const server = normalizeServerUrl(url, 'workspace server URL');
  const profile = validateProfileName(opts.profile ?? ws.name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64));
  const before = store.profiles.read().profiles[profile];

  // The workspace profile keeps the Pro credentials it needs to renew its (one-hour) token.
  const proKey = pro.renewable && pro.profileName ? await pro.apiKey() : null;
  const result = await performLogin(
    {
      profile,
      server,
      settings: {},
      method: { kind: 'pro-external', proToken: proToken.token },
      forceFile: opts.insecureStorage === true,
      makeCurrent: opts.switch !== false,
      insecureHttp: opts.allowInsecureHttp === true,
      beforeStore: (after) => guardIdentityChange(ctx, opts.force, profile, before, after),
      extra: {
        proWorkspace: { id: ws.id, name: ws.name },
        ...(pro.fromEnvironment ? {} : { proAuth: proKey ? 'pro-api-key' : 'pro-token' }),
        ...(pro.active.baseUrl !== DEFAULT_PRO_API_URL ? { proApiUrl: pro.active.baseUrl } : {}),
      },
      extraSecrets: pro.fromEnvironment ? {} : { 'pro-token': serializeToken(proToken), 'pro-api-key': proKey },
    },
    { store, net: ctx.net(opts), now: ctx.now, warn: ctx.warn },
  );
  printLoginResult(ctx, opts, result, store.file.location);
}
