import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { SA_ACTIVATE_FLAGS, SA_CREATE_FLAGS, SA_DELETE_FLAGS, SA_DESCRIBE_FLAGS, SA_LIST_FLAGS } from './spec.js';

const work = () => import('./run.js');

export function register(program: Command, ctx: Ctx): void {
  const group = program
    .command('service-account')
    .description('create, list, (de)activate and delete service accounts (their keys: `zenml-api api-key`)');
  examples(group, [
    'zenml-api service-account create ci-bot > ci-bot.key',
    'zenml-api service-account list',
    'zenml-api service-account deactivate ci-bot',
    'zenml-api service-account delete ci-bot --yes',
  ]);

  const create = group
    .command('create')
    .summary('create a service account with an API key, and print the key once (or store it with --login)')
    .description(
      'create a service account and an API key named "default" for it; the key is printed once on stdout ' +
        '(only the key and a newline), written to --output-file, or stored in a profile with --login',
    )
    .argument('<name>', 'the new account\'s name');
  registerFlags(create, SA_CREATE_FLAGS);
  examples(create, [
    'zenml-api service-account create ci-bot --description "nightly pipelines" > ci-bot.key',
    'zenml-api service-account create ci-bot --output-file ci-bot.key',
    'zenml-api service-account create ci-bot --login                # profile "ci-bot" on the current server',
    'zenml-api service-account create ci-bot --login --profile bot  # profile "bot"',
    'zenml-api service-account create ci-bot --no-api-key',
    'zenml-api service-account create ci-bot --json | jq -r .api_key.body.key',
  ]);
  create.action(lazy(ctx, async () => ({ run: (await work()).create })));

  const list = group.command('list').alias('ls').description('list the service accounts (all pages)');
  registerFlags(list, SA_LIST_FLAGS);
  examples(list, ['zenml-api service-account list', 'zenml-api service-account list --json | jq -r ".[].name"']);
  list.action(lazy(ctx, async () => ({ run: (await work()).list })));

  const describe = group.command('describe').description('show one service account').argument('<name-or-id>');
  registerFlags(describe, SA_DESCRIBE_FLAGS);
  examples(describe, ['zenml-api service-account describe ci-bot', 'zenml-api service-account describe 6999f049-922f-441b-9636-3e291a8c8be9 --json']);
  describe.action(lazy(ctx, async () => ({ run: (await work()).describe })));

  const activate = group.command('activate').description('activate a service account: its API keys can log in again').argument('<name-or-id>');
  registerFlags(activate, SA_ACTIVATE_FLAGS);
  examples(activate, ['zenml-api service-account activate ci-bot']);
  activate.action(lazy(ctx, async () => ({ run: (await work()).activate })));

  const deactivate = group
    .command('deactivate')
    .summary('deactivate a service account: its tokens and keys are rejected at once')
    .description('deactivate a service account: its tokens and API keys are rejected at once, until it is activated again')
    .argument('<name-or-id>');
  registerFlags(deactivate, SA_ACTIVATE_FLAGS);
  examples(deactivate, ['zenml-api service-account deactivate ci-bot']);
  deactivate.action(lazy(ctx, async () => ({ run: (await work()).deactivate })));

  const del = group
    .command('delete')
    .alias('rm')
    .description('delete a service account and all its API keys; asks first on a terminal, needs --yes otherwise')
    .argument('<name-or-id>');
  registerFlags(del, SA_DELETE_FLAGS);
  examples(del, ['zenml-api service-account delete ci-bot', 'zenml-api service-account delete ci-bot --yes']);
  del.action(lazy(ctx, async () => ({ run: (await work()).remove })));
}
