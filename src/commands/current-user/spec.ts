/** `current-user` as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const CURRENT_USER_FLAGS = [...jsonFlags("print the server's response body"), PROFILE_FLAG, ...NETWORK_FLAGS] as const satisfies readonly FlagSpec[];

export const CURRENT_USER_COMMAND = { name: 'current-user', args: [], flags: CURRENT_USER_FLAGS } as const satisfies CommandSpec;

export type CurrentUserOptions = CommandOptions<typeof CURRENT_USER_COMMAND>;
