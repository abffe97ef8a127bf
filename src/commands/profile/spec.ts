/** The flags of `profile …`, as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, type FlagSpec, type OptionsOf } from '../options.js';

export const PROFILE_LIST_FLAGS = jsonFlags('print as JSON');
export const PROFILE_SHOW_FLAGS = jsonFlags('print as JSON');
export const NO_FLAGS = [] as const satisfies readonly FlagSpec[];

export type ProfileListOptions = OptionsOf<typeof PROFILE_LIST_FLAGS>;
export type NoOptions = OptionsOf<typeof NO_FLAGS>;
