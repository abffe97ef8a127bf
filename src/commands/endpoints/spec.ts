/** The flags of `endpoints` (the listing), as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec } from '../options.js';

const REFRESH: FlagSpec = { long: 'refresh', key: 'refresh', kind: 'bool', description: "fetch the server's API document again, even when the cached one is current" };

/** What `endpoints describe` shares with the listing. */
export const DISCOVERY_FLAGS: FlagSpec[] = [REFRESH, PROFILE_FLAG, ...NETWORK_FLAGS];

export const ENDPOINTS_FLAGS: FlagSpec[] = [
  { short: 'X', long: 'method', arg: 'method', key: 'method', kind: 'value', description: 'only operations with this HTTP method' },
  { long: 'tag', arg: 'tag', key: 'tag', kind: 'value', description: 'only operations with this tag (see the TAG column)' },
  ...jsonFlags('print the operations as a JSON array'),
  ...DISCOVERY_FLAGS,
];
