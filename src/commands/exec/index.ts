import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, networkOptions, profileOption } from '../options.js';

/** The flags that choose what `exec` and `env` hand on (one definition for both). */
export function handoffOptions(cmd: Command): Command {
  cmd
    .option('--expires-in <seconds>', 'lifetime of the new token minted through /api/v1/api_token (default 3600)')
    .option('--no-mint', "hand on the profile's current token (renewed if needed) instead of minting a new one")
    .option('--pro', 'add ZENML_PRO_API_URL and ZENML_PRO_API_TOKEN from the profile\'s ZenML Pro credentials');
  profileOption(cmd);
  return networkOptions(cmd);
}

export function register(program: Command, ctx: Ctx): void {
  // Everything after COMMAND belongs to COMMAND, not to exec: `exec python train.py --verbose`.
  program.enablePositionalOptions();
  const cmd = program
    .command('exec')
    .description('run a command with ZENML_STORE_URL and a new short-lived ZENML_STORE_API_TOKEN, and no API key or password, in its environment')
    .usage('[options] [--] COMMAND [ARGS...]')
    .argument('<command...>', 'the command to run and its arguments')
    .passThroughOptions();
  handoffOptions(cmd);
  examples(cmd, [
    '# the ZenML Python CLI with a one-hour token from the keychain, nothing written to disk',
    'zenml-api exec -- zenml pipeline runs list',
    'zenml-api exec --profile prod --expires-in 600 -- python train.py --epochs 3',
    '# CI: ZENML_STORE_URL + ZENML_STORE_API_KEY in; the child sees a token, never the key',
    'ZENML_STORE_URL=https://zenml.example.com ZENML_STORE_API_KEY=$KEY zenml-api exec -- python run.py',
    '# The exit status is the command\'s (128+N when signal N ended it); 127: not found, 126: not executable',
  ]);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
