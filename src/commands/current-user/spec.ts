/** The flags of `current-user`, as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec, type OptionsOf } from '../options.js';

export const CURRENT_USER_FLAGS = [...jsonFlags("print the server's response body"), PROFILE_FLAG, ...NETWORK_FLAGS] as const satisfies readonly FlagSpec[];

export type CurrentUserOptions = OptionsOf<typeof CURRENT_USER_FLAGS>;
