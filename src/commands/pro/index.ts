import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, jsonOption, lazy, networkOptions, profileOption } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const pro = program.command('pro').description('the ZenML Pro management API: log in, tokens, users, organizations, workspaces');
  examples(pro, ['zenml-api pro login --api-key - < pro-key.txt', 'zenml-api pro users me', 'zenml-api pro workspaces list --json']);

  const login = pro
    .command('login')
    .description('store ZenML Pro credentials in a profile, after checking them with GET /users/me')
    .option('--token [source]', "a Pro API token from the dashboard: '-' reads stdin; alone, a hidden prompt")
    .option('--api-key [source]', "a ZENPROKEY_ key (service account or personal access token): '-' reads stdin; alone, a prompt")
    .option('--pro-api-url <url>', 'the Pro management API (default https://cloudapi.zenml.io, or ZENML_PRO_API_URL)')
    .option('--insecure-storage', 'store secrets in a 0600 file instead of the OS keychain');
  profileOption(login);
  networkOptions(login);
  jsonOption(login, 'print who was logged in, as JSON');
  examples(login, [
    'zenml-api pro login --api-key - < pro-key.txt',
    'zenml-api pro login --token            # hidden prompt',
    'zenml-api pro login --token - --pro-api-url https://staging.cloudapi.zenml.io < token.txt',
  ]);
  login.action(lazy(ctx, async () => ({ run: (await import('./run.js')).login })));

  const logout = pro.command('logout').description("forget a profile's Pro credentials (its server credentials stay)");
  profileOption(logout);
  examples(logout, ['zenml-api pro logout', 'zenml-api pro logout --profile work']);
  logout.action(lazy(ctx, async () => ({ run: (await import('./run.js')).logout })));

  const token = jsonOption(pro.command('token').description('print a valid Pro API token, renewing it from a stored ZENPROKEY_ key when needed'), 'print token, expiry and profile as JSON');
  profileOption(token);
  networkOptions(token);
  examples(token, ['curl -H "Authorization: Bearer $(zenml-api pro token)" https://cloudapi.zenml.io/users/me']);
  token.action(lazy(ctx, async () => ({ run: (await import('./run.js')).token })));

  const users = pro.command('users').description('Pro users');
  examples(users, ['zenml-api pro users me', "zenml-api pro users me --jq .email"]);
  const me = jsonOption(users.command('me').description('who the Pro credentials belong to'), "print the API's response body");
  profileOption(me);
  networkOptions(me);
  examples(me, ['zenml-api pro users me', 'zenml-api pro users me --json | jq -r .email']);
  me.action(lazy(ctx, async () => ({ run: (await import('./run.js')).usersMe })));

  const orgs = pro.command('organizations').alias('orgs').description('Pro organizations');
  examples(orgs, ['zenml-api pro organizations list', "zenml-api pro orgs list --jq '.[].name'"]);
  const orgList = jsonOption(orgs.command('list').description('list the organizations you belong to'), 'print as JSON');
  profileOption(orgList);
  networkOptions(orgList);
  examples(orgList, ['zenml-api pro organizations list', "zenml-api pro organizations list --jq '.[] | select(.name == \"acme\") | .id'"]);
  orgList.action(lazy(ctx, async () => ({ run: (await import('./run.js')).organizationsList })));

  const ws = pro.command('workspaces').description('Pro workspaces (each one a ZenML server)');
  examples(ws, ['zenml-api pro workspaces list', 'zenml-api pro workspaces list --organization "$ORG_ID" --json']);
  const wsList = ws
    .command('list')
    .description('list workspaces with their status and server URL')
    .option('--organization <id>', 'only this organization');
  jsonOption(wsList, 'print as JSON');
  profileOption(wsList);
  networkOptions(wsList);
  examples(wsList, ['zenml-api pro workspaces list', 'zenml-api login --pro-workspace my-workspace   # then log in to one']);
  wsList.action(lazy(ctx, async () => ({ run: (await import('./run.js')).workspacesList })));
}
