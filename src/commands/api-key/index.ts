import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { KEY_ACTIVATE_FLAGS, KEY_CREATE_FLAGS, KEY_DELETE_FLAGS, KEY_DESCRIBE_FLAGS, KEY_LIST_FLAGS, KEY_ROTATE_FLAGS } from './spec.js';

const work = () => import('./run.js');
const SA = ['<service-account>', 'the service account\'s name or id'] as const;
const KEY = ['<key>', 'the API key\'s name or id'] as const;

export function register(program: Command, ctx: Ctx): void {
  const group = program.command('api-key').description('create, list, rotate, (de)activate and delete the API keys of a service account');
  examples(group, [
    'zenml-api api-key create ci-bot deploy > deploy.key',
    'zenml-api api-key list ci-bot',
    'zenml-api api-key rotate ci-bot deploy --retain 60 > deploy.key',
    'zenml-api api-key delete ci-bot deploy --yes',
  ]);

  const create = group
    .command('create')
    .summary('create an API key and print it once')
    .description('create an API key; it is printed once on stdout (only the key and a newline) or written to --output-file')
    .argument(...SA)
    .argument('<name>', 'the new key\'s name');
  registerFlags(create, KEY_CREATE_FLAGS);
  examples(create, [
    'zenml-api api-key create ci-bot deploy > deploy.key',
    'zenml-api api-key create ci-bot deploy --description "GitHub Actions" --output-file deploy.key',
    'zenml-api api-key create ci-bot deploy | zenml-api login https://zenml.example.com --api-key - --profile deploy',
  ]);
  create.action(lazy(ctx, async () => ({ run: (await work()).create })));

  const list = group.command('list').alias('ls').description('list the API keys of a service account (all pages)').argument(...SA);
  registerFlags(list, KEY_LIST_FLAGS);
  examples(list, ['zenml-api api-key list ci-bot', 'zenml-api api-key list ci-bot --json | jq -r ".[].name"']);
  list.action(lazy(ctx, async () => ({ run: (await work()).list })));

  const describe = group.command('describe').description('show one API key (never its value)').argument(...SA).argument(...KEY);
  registerFlags(describe, KEY_DESCRIBE_FLAGS);
  examples(describe, ['zenml-api api-key describe ci-bot deploy', 'zenml-api api-key describe ci-bot deploy --json | jq .metadata.last_login']);
  describe.action(lazy(ctx, async () => ({ run: (await work()).describe })));

  const activate = group.command('activate').description('activate an API key: it can log in again').argument(...SA).argument(...KEY);
  registerFlags(activate, KEY_ACTIVATE_FLAGS);
  examples(activate, ['zenml-api api-key activate ci-bot deploy']);
  activate.action(lazy(ctx, async () => ({ run: (await work()).activate })));

  const deactivate = group
    .command('deactivate')
    .summary('deactivate an API key: it and its tokens are rejected at once')
    .description('deactivate an API key: it and the tokens it issued are rejected at once, until it is activated again')
    .argument(...SA)
    .argument(...KEY);
  registerFlags(deactivate, KEY_ACTIVATE_FLAGS);
  examples(deactivate, ['zenml-api api-key deactivate ci-bot deploy']);
  deactivate.action(lazy(ctx, async () => ({ run: (await work()).deactivate })));

  const del = group
    .command('delete')
    .alias('rm')
    .description('delete an API key; asks first on a terminal, needs --yes otherwise')
    .argument(...SA)
    .argument(...KEY);
  registerFlags(del, KEY_DELETE_FLAGS);
  examples(del, ['zenml-api api-key delete ci-bot deploy', 'zenml-api api-key delete ci-bot deploy --yes']);
  del.action(lazy(ctx, async () => ({ run: (await work()).remove })));

  const rotate = group
    .command('rotate')
    .summary('replace an API key\'s value; profiles that log in with it get the new one')
    .description(
      'replace an API key\'s value; the new one is printed once on stdout or written to --output-file. ' +
        'Stored profiles that log in with the key get the new one in the same step (if one cannot be updated: exit 1, and the key is still printed)',
    )
    .argument(...SA)
    .argument(...KEY);
  registerFlags(rotate, KEY_ROTATE_FLAGS);
  examples(rotate, [
    'zenml-api api-key rotate ci-bot deploy > deploy.key',
    'zenml-api api-key rotate ci-bot deploy --retain 60 --output-file deploy.key --force',
    '# the profile that logs in with ci-bot/deploy keeps working: it gets the new key',
  ]);
  rotate.action(lazy(ctx, async () => ({ run: (await work()).rotate })));
}
