/** The flags of `endpoints` and `endpoints describe`, as data: index.ts registers them, cli-args.ts parses the listing's without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec, type OptionsOf } from '../options.js';

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

export type EndpointsOptions = OptionsOf<typeof ENDPOINTS_FLAGS>;
/** The listing's -X and --tag reach `describe` too (commander's options of the parent), to be refused. */
export type DescribeOptions = OptionsOf<typeof DESCRIBE_FLAGS> & Pick<EndpointsOptions, 'method' | 'tag'>;
