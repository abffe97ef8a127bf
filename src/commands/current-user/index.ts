import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, jsonOption, lazy, networkOptions, profileOption } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program.command('current-user').description('show who the profile\'s credentials belong to');
  jsonOption(cmd, 'print the server\'s response body');
  profileOption(cmd);
  networkOptions(cmd);
  examples(cmd, ['zenml-api current-user', 'zenml-api current-user --json | jq -r .name', 'zenml-api current-user --profile prod']);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
