/** `profile …` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, type CommandArgs, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const PROFILE_LIST_FLAGS = jsonFlags('print as JSON');
export const PROFILE_SHOW_FLAGS = jsonFlags('print as JSON');
export const NO_FLAGS = [] as const satisfies readonly FlagSpec[];

export const PROFILE_LIST = { name: 'list', args: [], flags: PROFILE_LIST_FLAGS } as const satisfies CommandSpec;
export const PROFILE_USE = { name: 'use', args: [{ key: 'name', kind: 'required', description: 'the profile' }], flags: NO_FLAGS } as const satisfies CommandSpec;
export const PROFILE_SHOW = { name: 'show', args: [{ key: 'name', kind: 'optional', description: 'default: the current profile' }], flags: PROFILE_SHOW_FLAGS } as const satisfies CommandSpec;
export const PROFILE_REMOVE = { name: 'remove', args: [{ key: 'name', kind: 'required', description: 'the profile' }], flags: NO_FLAGS } as const satisfies CommandSpec;

export type ProfileListOptions = CommandOptions<typeof PROFILE_LIST>;
export type ProfileNameArgs = CommandArgs<typeof PROFILE_USE>;
export type ProfileShowArgs = CommandArgs<typeof PROFILE_SHOW>;
export type NoOptions = CommandOptions<typeof PROFILE_USE>;
