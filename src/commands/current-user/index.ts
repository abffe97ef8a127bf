import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { CURRENT_USER_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program.command('current-user').description('show who the profile\'s credentials belong to');
  registerFlags(cmd, CURRENT_USER_FLAGS);
  examples(cmd, ['zenml-api current-user', 'zenml-api current-user --json | jq -r .name', 'zenml-api current-user --profile prod']);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
