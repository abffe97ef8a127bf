import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { PROFILE_LIST_FLAGS, PROFILE_SHOW_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const profile = program.command('profile').description('list, switch, show and remove named profiles');
  examples(profile, ['zenml-api profile list', 'zenml-api profile use staging', 'zenml-api profile show prod --json']);

  const list = registerFlags(profile.command('list').description('list profiles'), PROFILE_LIST_FLAGS);
  examples(list, ['zenml-api profile list', 'zenml-api profile list --json | jq -r ".[].name"']);
  list.action(lazy(ctx, async () => ({ run: (await import('./run.js')).list })));

  const use = profile.command('use').description('make a profile the current one').argument('<name>');
  examples(use, ['zenml-api profile use prod']);
  use.action(lazy(ctx, async () => ({ run: (await import('./run.js')).use })));

  const show = profile
    .command('show')
    .description('show a profile; secrets are shown as present or absent, never their values')
    .argument('[name]', 'default: the current profile');
  registerFlags(show, PROFILE_SHOW_FLAGS);
  examples(show, ['zenml-api profile show', 'zenml-api profile show prod --json']);
  show.action(lazy(ctx, async () => ({ run: (await import('./run.js')).show })));

  const remove = profile.command('remove').alias('rm').description('remove a profile and its secrets').argument('<name>');
  examples(remove, ['zenml-api profile remove old-server']);
  remove.action(lazy(ctx, async () => ({ run: (await import('./run.js')).remove })));
}
