import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { STATUS_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, STATUS_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    'show every profile: server, credentials, token expiry, where secrets live',
  );
  examples(cmd, ['zenml-api status', 'zenml-api status --check', 'zenml-api status --json | jq \'.[] | select(.current)\'']);
  cmd.addHelpText('after', '\nExits 4 when the current profile cannot authenticate.\n');
}
