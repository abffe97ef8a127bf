import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { STATUS_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('status')
    .description('show every profile: server, credentials, token expiry, where secrets live');
  registerFlags(cmd, STATUS_FLAGS);
  examples(cmd, ['zenml-api status', 'zenml-api status --check', 'zenml-api status --json | jq \'.[] | select(.current)\'']);
  cmd.addHelpText('after', '\nExits 4 when the current profile cannot authenticate.\n');
  cmd.action(lazy(ctx, () => import('./run.js')));
}
