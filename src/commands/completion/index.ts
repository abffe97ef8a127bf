import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { COMPLETE_COMMAND, COMPLETION_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, COMPLETION_COMMAND, ctx, async () => (await import('./run.js')).printScript).description(
    'print a shell completion script: commands, subcommands and flags, profile names, and API paths for `call` and `endpoints` ' +
      'from the cached API document (offline once `zenml-api endpoints` has cached it)',
  );
  examples(cmd, ['zenml-api completion bash > /etc/bash_completion.d/zenml-api', 'source <(zenml-api completion zsh)']);
  cmd.addHelpText(
    'after',
    `
Install (one line per shell):
  bash  echo 'source <(zenml-api completion bash)' >> ~/.bashrc
  zsh   echo 'source <(zenml-api completion zsh)' >> ~/.zshrc     (after compinit)
  fish  zenml-api completion fish > ~/.config/fish/completions/zenml-api.fish

The scripts ask \`zenml-api __complete\` for candidates, so they follow upgrades of zenml-api without
being regenerated. API paths come from the cache only: run \`zenml-api endpoints\` once per server.
`,
  );

  // Called back by the scripts: `zenml-api __complete -- WORD… CURRENT`. Reads local files only.
  defineCommand(program, COMPLETE_COMMAND, ctx, async () => (await import('./run.js')).completeFor(program), { hidden: true })
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
}
