import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { LOGIN_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, LOGIN_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    'log in to a ZenML server and store the credentials in a profile, after checking them',
  );
  examples(cmd, [
    'zenml-api login https://zenml.example.com --api-key - < key.txt',
    'echo "$ZENML_KEY" | zenml-api login https://zenml.example.com --api-key - --profile prod',
    'zenml-api login https://zenml.example.com --api-key          # hidden prompt',
    'zenml-api login http://127.0.0.1:8080 --username default --password-stdin < /dev/null',
    'zenml-api login https://zenml.example.com --token -          # dashboard token',
    'zenml-api login https://zenml.example.com --web              # browser, device flow',
    'zenml-api login --pro-workspace my-workspace                 # after `zenml-api pro login`',
    'zenml-api login --pro-workspace ws --pro-profile pro --profile ws',
  ]);
}
