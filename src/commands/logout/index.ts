import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { LOGOUT_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('logout')
    .description("forget a profile's secrets (the profile's settings stay; `profile remove` drops it all)");
  registerFlags(cmd, LOGOUT_FLAGS);
  examples(cmd, ['zenml-api logout', 'zenml-api logout --profile staging', 'zenml-api logout --all']);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
