/** `logout` as data: index.ts registers them, run.ts gets their types. */
import type { CommandOptions, CommandSpec, FlagSpec } from '../options.js';

export const LOGOUT_FLAGS = [
  { long: 'profile', arg: 'name', key: 'profile', kind: 'value', description: 'the profile to log out of (default: the current one)' },
  { long: 'all', key: 'all', kind: 'bool', description: 'log out of every profile' },
] as const satisfies readonly FlagSpec[];

export const LOGOUT_COMMAND = { name: 'logout', args: [], flags: LOGOUT_FLAGS } as const satisfies CommandSpec;

export type LogoutOptions = CommandOptions<typeof LOGOUT_COMMAND>;
