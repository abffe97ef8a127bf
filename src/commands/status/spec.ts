/** `status` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, NETWORK_FLAGS, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const STATUS_FLAGS = [
  { long: 'check', key: 'check', kind: 'bool', description: 'ask each server whether the credentials still work' },
  ...jsonFlags(),
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export const STATUS_COMMAND = { name: 'status', args: [], flags: STATUS_FLAGS } as const satisfies CommandSpec;

export type StatusOptions = CommandOptions<typeof STATUS_COMMAND>;
