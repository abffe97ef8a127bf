import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { DOCS_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, DOCS_COMMAND, ctx, async () => (await import('./run.js')).run).description(
    "print the URL of the server's interactive API documentation (/docs, or /redoc); --web opens it in a browser",
  );
  examples(cmd, ['zenml-api docs', 'zenml-api docs --web', 'zenml-api docs --redoc --json | jq -r .url']);
  cmd.addHelpText('after', '\nNo request is made: the URL comes from the profile. --web runs xdg-open (Linux), open (macOS) or start (Windows).\n');
}
