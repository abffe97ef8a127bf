import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, jsonOption, lazy, profileOption } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('docs')
    .description("print the URL of the server's interactive API documentation (/docs, or /redoc); --web opens it in a browser")
    .option('--redoc', 'the ReDoc page (/redoc) instead of Swagger UI (/docs)')
    .option('--web', 'also open the page in the default browser (on a terminal only)');
  jsonOption(cmd, 'print {"url": …}');
  profileOption(cmd);
  examples(cmd, ['zenml-api docs', 'zenml-api docs --web', 'zenml-api docs --redoc --json | jq -r .url']);
  cmd.addHelpText('after', '\nNo request is made: the URL comes from the profile. --web runs xdg-open (Linux), open (macOS) or start (Windows).\n');
  cmd.action(lazy(ctx, () => import('./run.js')));
}
