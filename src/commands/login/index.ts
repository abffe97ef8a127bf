import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { examples, jsonOption, lazy, networkOptions } from '../options.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('login')
    .description('log in to a ZenML server and store the credentials in a profile, after checking them')
    .argument('[server-url]', 'the server, e.g. https://zenml.example.com (default: the profile\'s server)')
    .option('--api-key [source]', "a service account's API key: '-' reads it from stdin; alone, a hidden prompt")
    .option('--token [source]', "a short-lived token from the dashboard: '-' reads stdin; alone, a hidden prompt")
    .option('--username <name>', 'log in with a user name and password (password grant)')
    .option('--password-stdin', 'read the password from stdin (with --username)')
    .option('--web', 'log in through the browser (device authorization): prints a URL and a code')
    .option('--pro-workspace <name-or-id>', 'log in to a ZenML Pro workspace with your Pro credentials (see `pro login`)')
    .option('--pro-profile <name>', 'with --pro-workspace: the profile whose Pro credentials to use (default: ZENML_PRO_API_*, else --profile or the current profile when it has Pro credentials, else the only profile that has)')
    .option('--profile <name>', 'the profile to create or update (default: the current one if it is on this server, else the only one on it, else "default")')
    .option('--ca-cert <file>', 'trust this PEM CA bundle for the server (stored in the profile)')
    .option('--insecure-storage', 'store secrets in a 0600 file instead of the OS keychain')
    .option('--allow-insecure-http', 'allow plain http:// to a host that is not this machine')
    .option('--no-switch', 'do not make this profile the current one')
    .option('--force', "replace a profile's server or identity without asking (needed without a terminal)");
  networkOptions(cmd);
  jsonOption(cmd, 'print who was logged in, as JSON');
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
  cmd.action(lazy(ctx, () => import('./run.js')));
}
