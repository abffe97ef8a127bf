/** The flags of `endpoints` and `endpoints describe`, as data: index.ts registers them, cli-args.ts parses the listing's without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type CommandArgs, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

/** What `endpoints describe` shares with the listing. */
export const DISCOVERY_FLAGS = [
  { long: 'refresh', key: 'refresh', kind: 'bool', description: "fetch the server's API document again, even when the cached one is current" },
  PROFILE_FLAG,
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export const ENDPOINTS_FLAGS = [
  { short: 'X', long: 'method', arg: 'method', key: 'method', kind: 'value', description: 'only operations with this HTTP method' },
  { long: 'tag', arg: 'tag', key: 'tag', kind: 'value', description: 'only operations with this tag (see the TAG column)' },
  ...jsonFlags('print the operations as a JSON array'),
  ...DISCOVERY_FLAGS,
] as const satisfies readonly FlagSpec[];

export const DESCRIBE_FLAGS = [...jsonFlags('print the operation as JSON'), ...DISCOVERY_FLAGS] as const satisfies readonly FlagSpec[];

export const ENDPOINTS_COMMAND = {
  name: 'endpoints',
  args: [{ key: 'pattern', kind: 'optional', description: 'substring or glob of the path or summary' }],
  flags: ENDPOINTS_FLAGS,
  subcommands: ['describe', 'help'],
} as const satisfies CommandSpec;

export const DESCRIBE_COMMAND = {
  name: 'describe',
  args: [
    { key: 'method', kind: 'required', description: 'GET, POST, PUT, PATCH, DELETE…' },
    { key: 'path', kind: 'required', description: 'the path, as for `zenml-api call`' },
  ],
  flags: DESCRIBE_FLAGS,
  // The listing's flags reach `describe` too (commander's options of the parent): -X and --tag to be refused.
  inherited: ENDPOINTS_FLAGS,
} as const satisfies CommandSpec;

export type EndpointsArgs = CommandArgs<typeof ENDPOINTS_COMMAND>;
export type EndpointsOptions = CommandOptions<typeof ENDPOINTS_COMMAND>;
export type DescribeArgs = CommandArgs<typeof DESCRIBE_COMMAND>;
export type DescribeOptions = CommandOptions<typeof DESCRIBE_COMMAND>;
