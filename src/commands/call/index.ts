import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY } from '../../api/paginate.js';
import type { Ctx } from '../context.js';
import { examples, lazy, networkOptions, profileOption } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A body field as given, in command-line order across -f and -F. */
export interface FieldArg {
  typed: boolean;
  raw: string;
}

export function register(program: Command, ctx: Ctx): void {
  // -f and -F share one list so that later fields override earlier ones in argv order.
  const fields: FieldArg[] = [];
  const field = (typed: boolean) => (raw: string) => {
    fields.push({ typed, raw });
    return fields;
  };
  const cmd = program
    .command('call')
    .description('send any request to the ZenML API (or the Pro API with --pro) and print the response body')
    .usage('[METHOD] PATH [options]')
    .argument('<method-or-path>', "METHOD (GET by default; POST when fields or --input are given), then PATH: '/api/v1/…', a path relative to /api/v1 ('pipelines'), or a URL on the profile's server")
    .argument('[path]')
    .option('-X, --method <method>', 'the HTTP method')
    .option('-q, --query <key=value>', 'add a query parameter (repeatable); ZenML filters like name=contains:foo pass as they are', collect)
    .option('-f, --field <key=value>', 'add a string field to the JSON body (repeatable); nested keys: a[b]=c, a[]=x', field(false))
    .option('-F, --typed-field <key=value>', 'add a typed field: true, false, null, numbers, [..] or {..} JSON, @file, @- (stdin)', field(true))
    .option('--input <file>', "the raw request body from a file, or '-' for stdin")
    .option('-H, --header <line>', "add a header, 'Name: value' (repeatable); an Authorization header replaces the token", collect)
    .option('--form', 'send fields as application/x-www-form-urlencoded instead of JSON')
    .option('-i, --include', 'print the status line and response headers before the body')
    .option('--silent', 'print nothing on success')
    .option('--paginate', 'fetch every page of a ZenML list and print all items')
    .option('--concurrency <n>', `pages fetched at once with --paginate (default ${DEFAULT_CONCURRENCY})`)
    .option('--jsonl', 'with --paginate: one item per line instead of one JSON array')
    .option('--pro', 'send the request to the ZenML Pro management API');
  profileOption(cmd);
  networkOptions(cmd);
  examples(cmd, [
    '# list pipelines whose name contains "train"',
    'zenml-api call pipelines -q name=contains:train -q size=50',
    '# create a service account',
    'zenml-api call POST service_accounts -f name=ci-bot -F active=true',
    '# deactivate an API key',
    'zenml-api call PUT "service_accounts/$SA_ID/api_keys/default" -F active=false',
    '# every pipeline run, one JSON object per line, into jq',
    'zenml-api call pipeline_runs --paginate --jsonl | jq -r .name',
    '# a raw body from a file, with the response headers',
    'zenml-api call POST service_accounts --input sa.json -i',
    '# the Pro management API',
    'zenml-api call --pro /users/me',
  ]);
  cmd.addHelpText(
    'after',
    '\nOn an HTTP error the body still goes to stdout and one line to stderr; exit 1 (4 for a 401).\n',
  );
  cmd.action(lazy(ctx, () => import('./run.js')));
}
