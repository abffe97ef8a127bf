/** The flags of `logout`, as data: index.ts registers them, run.ts gets their types. */
import type { FlagSpec, OptionsOf } from '../options.js';

export const LOGOUT_FLAGS = [
  { long: 'profile', arg: 'name', key: 'profile', kind: 'value', description: 'the profile to log out of (default: the current one)' },
  { long: 'all', key: 'all', kind: 'bool', description: 'log out of every profile' },
] as const satisfies readonly FlagSpec[];

export type LogoutOptions = OptionsOf<typeof LOGOUT_FLAGS>;
