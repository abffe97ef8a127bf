import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { DESCRIBE_COMMAND, ENDPOINTS_COMMAND } from './spec.js';

const work = () => import('./run.js');

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, ENDPOINTS_COMMAND, ctx, async () => (await work()).list)
    .summary("list the server's API operations, from its own OpenAPI document (cached)")
    .description(
      "list the operations of the server's API: METHOD, PATH, SUMMARY, TAG. PATTERN is a case-insensitive " +
        'substring of the path or summary, or a glob (* and ?) of the path (absolute or relative to /api/v1) or summary. ' +
        "The server's /openapi.json is fetched once per server version and cached under the config folder; " +
        "later runs read the cache without a request while the profile's recorded server version matches " +
        '(after a server upgrade: log in again, or use --refresh)',
    )
    .usage('[PATTERN] [options]\n       zenml-api endpoints describe METHOD PATH [options]');
  examples(cmd, [
    'zenml-api endpoints',
    'zenml-api endpoints service_account',
    "zenml-api endpoints 'service_accounts/*/api_keys*' --method PUT",
    'zenml-api endpoints --tag pipelines --json | jq -r \'.[] | "\\(.method) \\(.path)"\'',
    "zenml-api endpoints 'list *' -X GET",
    'zenml-api endpoints --refresh   # after a server upgrade',
  ]);

  const describe = defineCommand(cmd, DESCRIBE_COMMAND, ctx, async () => (await work()).describe)
    .summary('show one operation: its parameters, request body fields and response fields')
    .description(
      'show one operation: path and query parameters (types, defaults, required), request body fields, ' +
        "and the response's top-level fields, with $refs resolved. PATH is absolute (/api/v1/…) or relative to /api/v1, " +
        'as a template (service_accounts/{service_account_name_or_id}) or with concrete values (service_accounts/ci-bot)',
    );
  examples(describe, [
    'zenml-api endpoints describe POST service_accounts',
    "zenml-api endpoints describe PUT 'service_accounts/{service_account_id}/api_keys/{api_key_name_or_id}/rotate'",
    'zenml-api endpoints describe GET service_accounts/ci-bot',
    'zenml-api endpoints describe GET pipelines --json | jq -r \'.params[] | select(.in == "query") | .name\'',
  ]);
}
