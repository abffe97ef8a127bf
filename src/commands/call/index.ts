import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { defineCommand, examples } from '../options.js';
import { CALL_COMMAND } from './spec.js';

export function register(program: Command, ctx: Ctx): void {
  const cmd = defineCommand(program, CALL_COMMAND, ctx, async () => (await import('./run.js')).run)
    .description('send any request to the ZenML API (or the Pro API with --pro) and print the response body')
    .usage('[METHOD] PATH [options]');
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
    '# the names of the pipelines, one a line, without jq installed',
    "zenml-api call pipelines --paginate --jq '.[].name'",
    '# the Pro management API',
    'zenml-api call --pro /users/me',
  ]);
  cmd.addHelpText(
    'after',
    '\nOn an HTTP error the body still goes to stdout and one line to stderr; exit 1 (4 for a 401).\n',
  );
}
