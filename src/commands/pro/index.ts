import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { PRO_LOGIN_FLAGS, PRO_LOGOUT_FLAGS, PRO_ME_FLAGS, PRO_ORGS_FLAGS, PRO_TOKEN_FLAGS, PRO_WORKSPACES_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const pro = program.command('pro').description('the ZenML Pro management API: log in, tokens, users, organizations, workspaces');
  examples(pro, ['zenml-api pro login --api-key - < pro-key.txt', 'zenml-api pro users me', 'zenml-api pro workspaces list --json']);

  const login = pro
    .command('login')
    .description('store ZenML Pro credentials in a profile, after checking them with GET /users/me');
  registerFlags(login, PRO_LOGIN_FLAGS);
  examples(login, [
    'zenml-api pro login --api-key - < pro-key.txt',
    'zenml-api pro login --token            # hidden prompt',
    'zenml-api pro login --token - --pro-api-url https://staging.cloudapi.zenml.io < token.txt',
  ]);
  login.action(lazy(ctx, async () => ({ run: (await import('./run.js')).login })));

  const logout = pro.command('logout').description("forget a profile's Pro credentials (its server credentials stay)");
  registerFlags(logout, PRO_LOGOUT_FLAGS);
  examples(logout, ['zenml-api pro logout', 'zenml-api pro logout --profile work']);
  logout.action(lazy(ctx, async () => ({ run: (await import('./run.js')).logout })));

  const token = registerFlags(pro.command('token').description('print a valid Pro API token, renewing it from a stored ZENPROKEY_ key when needed'), PRO_TOKEN_FLAGS);
  examples(token, ['curl -H "Authorization: Bearer $(zenml-api pro token)" https://cloudapi.zenml.io/users/me']);
  token.action(lazy(ctx, async () => ({ run: (await import('./run.js')).token })));

  const users = pro.command('users').description('Pro users');
  examples(users, ['zenml-api pro users me', "zenml-api pro users me --jq .email"]);
  const me = registerFlags(users.command('me').description('who the Pro credentials belong to'), PRO_ME_FLAGS);
  examples(me, ['zenml-api pro users me', 'zenml-api pro users me --json | jq -r .email']);
  me.action(lazy(ctx, async () => ({ run: (await import('./run.js')).usersMe })));

  const orgs = pro.command('organizations').alias('orgs').description('Pro organizations');
  examples(orgs, ['zenml-api pro organizations list', "zenml-api pro orgs list --jq '.[].name'"]);
  const orgList = registerFlags(orgs.command('list').description('list the organizations you belong to'), PRO_ORGS_FLAGS);
  examples(orgList, ['zenml-api pro organizations list', "zenml-api pro organizations list --jq '.[] | select(.name == \"acme\") | .id'"]);
  orgList.action(lazy(ctx, async () => ({ run: (await import('./run.js')).organizationsList })));

  const ws = pro.command('workspaces').description('Pro workspaces (each one a ZenML server)');
  examples(ws, ['zenml-api pro workspaces list', 'zenml-api pro workspaces list --organization "$ORG_ID" --json']);
  const wsList = ws
    .command('list')
    .description('list workspaces with their status and server URL');
  registerFlags(wsList, PRO_WORKSPACES_FLAGS);
  examples(wsList, ['zenml-api pro workspaces list', 'zenml-api login --pro-workspace my-workspace   # then log in to one']);
  wsList.action(lazy(ctx, async () => ({ run: (await import('./run.js')).workspacesList })));
}
