import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { LOGOUT_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, LOGOUT_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    "forget a profile's secrets (the profile's settings stay; `profile remove` drops it all)",
  );
  examples(cmd, ['zenml-api logout', 'zenml-api logout --profile staging', 'zenml-api logout --all']);
}
