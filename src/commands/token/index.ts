import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { TOKEN_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, TOKEN_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    'print a valid access token, renewing it from the stored API key or password when needed',
  );
  examples(cmd, [
    'curl -H "Authorization: Bearer $(zenml-api token)" "$ZENML_URL/api/v1/pipelines"',
    'zenml-api token --json | jq .expires_at',
    'zenml-api token --expires-in 600      # a 10-minute token for a job',
  ]);
}
