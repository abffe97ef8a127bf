import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, lazy, registerFlags } from '../options.js';
import { DOCS_FLAGS } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('docs')
    .description("print the URL of the server's interactive API documentation (/docs, or /redoc); --web opens it in a browser");
  registerFlags(cmd, DOCS_FLAGS);
  examples(cmd, ['zenml-api docs', 'zenml-api docs --web', 'zenml-api docs --redoc --json | jq -r .url']);
  cmd.addHelpText('after', '\nNo request is made: the URL comes from the profile. --web runs xdg-open (Linux), open (macOS) or start (Windows).\n');
  cmd.action(lazy(ctx, () => import('./run.js')));
}
