import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { KEY_ACTIVATE, KEY_CREATE, KEY_DEACTIVATE, KEY_DELETE, KEY_DESCRIBE, KEY_LIST, KEY_ROTATE } from './spec.js';

const work = () => import('./run.js');

export function register(program: Command, ctx: Ctx): void {
  const group = program.command('api-key').description('create, list, rotate, (de)activate and delete the API keys of a service account');
  examples(group, [
    'zenml-api api-key create ci-bot deploy > deploy.key',
    'zenml-api api-key list ci-bot',
    'zenml-api api-key rotate ci-bot deploy --retain 60 > deploy.key',
    'zenml-api api-key delete ci-bot deploy --yes',
  ]);

  const create = defineCommand(group, KEY_CREATE, ctx, async () => (await work()).create)
    .summary('create an API key and print it once')
    .description('create an API key; it is printed once on stdout (only the key and a newline) or written to --output-file');
  examples(create, [
    'zenml-api api-key create ci-bot deploy > deploy.key',
    'zenml-api api-key create ci-bot deploy --description "GitHub Actions" --output-file deploy.key',
    'zenml-api api-key create ci-bot deploy | zenml-api login https://zenml.example.com --api-key - --profile deploy',
  ]);

  const list = defineCommand(group, KEY_LIST, ctx, async () => (await work()).list)
    .alias('ls')
    .description('list the API keys of a service account (all pages)');
  examples(list, ['zenml-api api-key list ci-bot', 'zenml-api api-key list ci-bot --json | jq -r ".[].name"']);

  const describe = defineCommand(group, KEY_DESCRIBE, ctx, async () => (await work()).describe).description('show one API key (never its value)');
  examples(describe, ['zenml-api api-key describe ci-bot deploy', 'zenml-api api-key describe ci-bot deploy --json | jq .metadata.last_login']);

  const activate = defineCommand(group, KEY_ACTIVATE, ctx, async () => (await work()).activate).description('activate an API key: it can log in again');
  examples(activate, ['zenml-api api-key activate ci-bot deploy']);

  const deactivate = defineCommand(group, KEY_DEACTIVATE, ctx, async () => (await work()).deactivate)
    .summary('deactivate an API key: it and its tokens are rejected at once')
    .description('deactivate an API key: it and the tokens it issued are rejected at once, until it is activated again');
  examples(deactivate, ['zenml-api api-key deactivate ci-bot deploy']);

  const del = defineCommand(group, KEY_DELETE, ctx, async () => (await work()).remove)
    .alias('rm')
    .description('delete an API key; asks first on a terminal, needs --yes otherwise');
  examples(del, ['zenml-api api-key delete ci-bot deploy', 'zenml-api api-key delete ci-bot deploy --yes']);

  const rotate = defineCommand(group, KEY_ROTATE, ctx, async () => (await work()).rotate)
    .summary('replace an API key\'s value; profiles that log in with it get the new one')
    .description(
      'replace an API key\'s value; the new one is printed once on stdout or written to --output-file. ' +
        'Stored profiles that log in with the key get the new one in the same step (if one cannot be updated: exit 1, and the key is still printed)',
    );
  examples(rotate, [
    'zenml-api api-key rotate ci-bot deploy > deploy.key',
    'zenml-api api-key rotate ci-bot deploy --retain 60 --output-file deploy.key --force',
    '# the profile that logs in with ci-bot/deploy keeps working: it gets the new key',
  ]);
}
