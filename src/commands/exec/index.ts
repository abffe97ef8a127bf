import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { EXEC_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  // Everything after COMMAND belongs to COMMAND, not to exec (EXEC_COMMAND.passThrough, program.ts).
  const cmd = defineCommand(program, EXEC_COMMAND, ctx, async () => (await import('./run.js')).run)
    .description('run a command with ZENML_STORE_URL and a new short-lived ZENML_STORE_API_TOKEN, and no API key or password, in its environment')
    .usage('[options] [--] COMMAND [ARGS...]');
  examples(cmd, [
    '# the ZenML Python CLI with a one-hour token from the keychain, nothing written to disk',
    'zenml-api exec -- zenml pipeline runs list',
    'zenml-api exec --profile prod --expires-in 600 -- python train.py --epochs 3',
    '# CI: ZENML_STORE_URL + ZENML_STORE_API_KEY in; the child sees a token, never the key',
    'ZENML_STORE_URL=https://zenml.example.com ZENML_STORE_API_KEY=$KEY zenml-api exec -- python run.py',
    '# The exit status is the command\'s (128+N when signal N ended it); 127: not found, 126: not executable',
  ]);
}
