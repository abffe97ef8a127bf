import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { CURRENT_USER_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, CURRENT_USER_COMMAND, ctx, async () => (await import('./run.js')).run).description("show who the profile's credentials belong to");
  examples(cmd, ['zenml-api current-user', 'zenml-api current-user --json | jq -r .name', 'zenml-api current-user --profile prod']);
}
