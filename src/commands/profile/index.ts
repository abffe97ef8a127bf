import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { PROFILE_LIST, PROFILE_REMOVE, PROFILE_SHOW, PROFILE_USE } from './spec.js';

const work = () => import('./run.js');

export function register(program: Command, ctx: Ctx): void {
  const profile = program.command('profile').description('list, switch, show and remove named profiles');
  examples(profile, ['zenml-api profile list', 'zenml-api profile use staging', 'zenml-api profile show prod --json']);

  const list = defineCommand(profile, PROFILE_LIST, ctx, async () => (await work()).list).description('list profiles');
  examples(list, ['zenml-api profile list', 'zenml-api profile list --json | jq -r ".[].name"']);

  const use = defineCommand(profile, PROFILE_USE, ctx, async () => (await work()).use).description('make a profile the current one');
  examples(use, ['zenml-api profile use prod']);

  const show = defineCommand(profile, PROFILE_SHOW, ctx, async () => (await work()).show).description(
    'show a profile; secrets are shown as present or absent, never their values',
  );
  examples(show, ['zenml-api profile show', 'zenml-api profile show prod --json']);

  const remove = defineCommand(profile, PROFILE_REMOVE, ctx, async () => (await work()).remove)
    .alias('rm')
    .description('remove a profile and its secrets');
  examples(remove, ['zenml-api profile remove old-server']);
}
