import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { ENV_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, ENV_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    'print ZENML_STORE_URL and a new short-lived ZENML_STORE_API_TOKEN for a shell, a .env file or CI (never an API key or password)',
  );
  examples(cmd, [
    'eval "$(zenml-api env)"',
    'zenml-api env --format fish | source',
    'zenml-api env --format powershell | Invoke-Expression',
    '# GitHub Actions: later steps get the variables',
    'zenml-api env --format dotenv >> "$GITHUB_ENV"',
    'zenml-api env --format json --expires-in 600 | jq -r .ZENML_STORE_API_TOKEN',
  ]);
}
