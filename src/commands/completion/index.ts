import { Argument, type Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('completion')
    .description(
      'print a shell completion script: commands, subcommands and flags, profile names, and API paths for `call` and `endpoints` ' +
        'from the cached API document (offline once `zenml-api endpoints` has cached it)',
    )
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']));
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
  cmd.action(lazy(ctx, async () => ({ run: (await import('./run.js')).printScript })));

  // Called back by the scripts: `zenml-api __complete -- WORD… CURRENT`. Reads local files only.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(lazy(ctx, async () => ({ run: (await import('./run.js')).completeFor(program) })));
}
