import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { SA_ACTIVATE, SA_CREATE, SA_DEACTIVATE, SA_DELETE, SA_DESCRIBE, SA_LIST } from './spec.js';

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

  const create = defineCommand(group, SA_CREATE, ctx, async () => (await work()).create)
    .summary('create a service account with an API key, and print the key once (or store it with --login)')
    .description(
      'create a service account and an API key named "default" for it; the key is printed once on stdout ' +
        '(only the key and a newline), written to --output-file, or stored in a profile with --login',
    );
  examples(create, [
    'zenml-api service-account create ci-bot --description "nightly pipelines" > ci-bot.key',
    'zenml-api service-account create ci-bot --output-file ci-bot.key',
    'zenml-api service-account create ci-bot --login                # profile "ci-bot" on the current server',
    'zenml-api service-account create ci-bot --login --profile bot  # profile "bot"',
    'zenml-api service-account create ci-bot --no-api-key',
    'zenml-api service-account create ci-bot --json | jq -r .api_key.body.key',
  ]);

  const list = defineCommand(group, SA_LIST, ctx, async () => (await work()).list)
    .alias('ls')
    .description('list the service accounts (all pages)');
  examples(list, ['zenml-api service-account list', 'zenml-api service-account list --json | jq -r ".[].name"']);

  const describe = defineCommand(group, SA_DESCRIBE, ctx, async () => (await work()).describe).description('show one service account');
  examples(describe, ['zenml-api service-account describe ci-bot', 'zenml-api service-account describe 6999f049-922f-441b-9636-3e291a8c8be9 --json']);

  const activate = defineCommand(group, SA_ACTIVATE, ctx, async () => (await work()).activate).description(
    'activate a service account: its API keys can log in again',
  );
  examples(activate, ['zenml-api service-account activate ci-bot']);

  const deactivate = defineCommand(group, SA_DEACTIVATE, ctx, async () => (await work()).deactivate)
    .summary('deactivate a service account: its tokens and keys are rejected at once')
    .description('deactivate a service account: its tokens and API keys are rejected at once, until it is activated again');
  examples(deactivate, ['zenml-api service-account deactivate ci-bot']);

  const del = defineCommand(group, SA_DELETE, ctx, async () => (await work()).remove)
    .alias('rm')
    .description('delete a service account and all its API keys; asks first on a terminal, needs --yes otherwise');
  examples(del, ['zenml-api service-account delete ci-bot', 'zenml-api service-account delete ci-bot --yes']);
}
