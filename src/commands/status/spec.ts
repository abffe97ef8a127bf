/** The flags of `status`, as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, NETWORK_FLAGS, type FlagSpec, type OptionsOf } from '../options.js';

export const STATUS_FLAGS = [
  { long: 'check', key: 'check', kind: 'bool', description: 'ask each server whether the credentials still work' },
  ...jsonFlags(),
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export type StatusOptions = OptionsOf<typeof STATUS_FLAGS>;
