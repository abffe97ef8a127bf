import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('logout')
    .description("forget a profile's secrets (the profile's settings stay; `profile remove` drops it all)")
    .option('--profile <name>', 'the profile to log out of (default: the current one)')
    .option('--all', 'log out of every profile');
  examples(cmd, ['zenml-api logout', 'zenml-api logout --profile staging', 'zenml-api logout --all']);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
