/** `exec` as data, with the flags it shares with `env`: index.ts registers them, run.ts gets their types. */
import { NETWORK_FLAGS, PROFILE_FLAG, type CommandArgs, type CommandOptions, type CommandSpec, type FlagSpec, type OptionsOf } from '../options.js';

/** The flags that choose what `exec` and `env` hand on (one definition for both). */
export const HANDOFF_FLAGS = [
  { long: 'expires-in', arg: 'seconds', key: 'expiresIn', kind: 'value', description: 'lifetime of the new token minted through /api/v1/api_token (default 3600)' },
  { long: 'no-mint', key: 'mint', kind: 'negate', description: "hand on the profile's current token (renewed if needed) instead of minting a new one" },
  { long: 'pro', key: 'pro', kind: 'bool', description: "add ZENML_PRO_API_URL and ZENML_PRO_API_TOKEN from the profile's ZenML Pro credentials" },
  PROFILE_FLAG,
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export type HandoffOptions = OptionsOf<typeof HANDOFF_FLAGS>;

export const EXEC_COMMAND = {
  name: 'exec',
  args: [{ key: 'command', kind: 'variadic', description: 'the command to run and its arguments' }],
  flags: HANDOFF_FLAGS,
  // Everything from COMMAND on is COMMAND's: `exec python train.py --verbose` (program.ts).
  passThrough: true,
} as const satisfies CommandSpec;

export type ExecArgs = CommandArgs<typeof EXEC_COMMAND>;
export type ExecOptions = CommandOptions<typeof EXEC_COMMAND>;
