import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { handoffOptions } from '../exec/index.js';
import { examples, lazy } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('env')
    .description('print ZENML_STORE_URL and a new short-lived ZENML_STORE_API_TOKEN for a shell, a .env file or CI (never an API key or password)')
    .option('--format <format>', 'sh (bash, zsh), fish, powershell, dotenv or json', 'sh');
  handoffOptions(cmd);
  examples(cmd, [
    'eval "$(zenml-api env)"',
    'zenml-api env --format fish | source',
    'zenml-api env --format powershell | Invoke-Expression',
    '# GitHub Actions: later steps get the variables',
    'zenml-api env --format dotenv >> "$GITHUB_ENV"',
    'zenml-api env --format json --expires-in 600 | jq -r .ZENML_STORE_API_TOKEN',
  ]);
  cmd.action(lazy(ctx, () => import('./run.js')));
}
