/** The flags of `current-user`, as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec } from '../options.js';

export const CURRENT_USER_FLAGS: FlagSpec[] = [...jsonFlags("print the server's response body"), PROFILE_FLAG, ...NETWORK_FLAGS];
