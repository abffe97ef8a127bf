import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { PRO_LOGIN, PRO_LOGOUT, PRO_ORGS_LIST, PRO_TOKEN, PRO_USERS_ME, PRO_WORKSPACES_LIST } from './spec.js';

const work = () => import('./run.js');

export function register(program: Command, ctx: Ctx): void {
  const pro = program.command('pro').description('the ZenML Pro management API: log in, tokens, users, organizations, workspaces');
  examples(pro, ['zenml-api pro login --api-key - < pro-key.txt', 'zenml-api pro users me', 'zenml-api pro workspaces list --json']);

  const login = defineCommand(pro, PRO_LOGIN, ctx, async () => (await work()).login).description(
    'store ZenML Pro credentials in a profile, after checking them with GET /users/me',
  );
  examples(login, [
    'zenml-api pro login --api-key - < pro-key.txt',
    'zenml-api pro login --token            # hidden prompt',
    'zenml-api pro login --token - --pro-api-url https://staging.cloudapi.zenml.io < token.txt',
  ]);

  const logout = defineCommand(pro, PRO_LOGOUT, ctx, async () => (await work()).logout).description("forget a profile's Pro credentials (its server credentials stay)");
  examples(logout, ['zenml-api pro logout', 'zenml-api pro logout --profile work']);

  const token = defineCommand(pro, PRO_TOKEN, ctx, async () => (await work()).token).description(
    'print a valid Pro API token, renewing it from a stored ZENPROKEY_ key when needed',
  );
  examples(token, ['curl -H "Authorization: Bearer $(zenml-api pro token)" https://cloudapi.zenml.io/users/me']);

  const users = pro.command('users').description('Pro users');
  examples(users, ['zenml-api pro users me', "zenml-api pro users me --jq .email"]);
  const me = defineCommand(users, PRO_USERS_ME, ctx, async () => (await work()).usersMe).description('who the Pro credentials belong to');
  examples(me, ['zenml-api pro users me', 'zenml-api pro users me --json | jq -r .email']);

  const orgs = pro.command('organizations').alias('orgs').description('Pro organizations');
  examples(orgs, ['zenml-api pro organizations list', "zenml-api pro orgs list --jq '.[].name'"]);
  const orgList = defineCommand(orgs, PRO_ORGS_LIST, ctx, async () => (await work()).organizationsList).description('list the organizations you belong to');
  examples(orgList, ['zenml-api pro organizations list', "zenml-api pro organizations list --jq '.[] | select(.name == \"acme\") | .id'"]);

  const ws = pro.command('workspaces').description('Pro workspaces (each one a ZenML server)');
  examples(ws, ['zenml-api pro workspaces list', 'zenml-api pro workspaces list --organization "$ORG_ID" --json']);
  const wsList = defineCommand(ws, PRO_WORKSPACES_LIST, ctx, async () => (await work()).workspacesList).description(
    'list workspaces with their status and server URL',
  );
  examples(wsList, ['zenml-api pro workspaces list', 'zenml-api login --pro-workspace my-workspace   # then log in to one']);
}
