/** `env` as data: index.ts registers it, run.ts gets its types. */
import { HANDOFF_FLAGS } from '../exec/spec.js';
import type { CommandOptions, CommandSpec } from '../options.js';

export const ENV_COMMAND = {
  name: 'env',
  args: [],
  flags: [
    { long: 'format', arg: 'format', key: 'format', kind: 'value', description: 'sh (bash, zsh), fish, powershell, dotenv or json (default: sh)' },
    ...HANDOFF_FLAGS,
  ],
} as const satisfies CommandSpec;

export type EnvOptions = CommandOptions<typeof ENV_COMMAND>;
