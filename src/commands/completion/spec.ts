/** `completion` and the hidden `__complete` as data: index.ts registers them, run.ts gets their types. */
import type { CommandArgs, CommandSpec } from '../options.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const COMPLETION_COMMAND = {
  name: 'completion',
  args: [{ key: 'shell', kind: 'required', description: 'bash, zsh or fish', choices: SHELLS }],
  flags: [],
} as const satisfies CommandSpec;

/** Called back by the scripts: `zenml-api __complete -- WORD… CURRENT`. */
export const COMPLETE_COMMAND = {
  name: '__complete',
  args: [{ key: 'words', kind: 'rest', description: 'the command line so far, then the word being completed' }],
  flags: [],
} as const satisfies CommandSpec;

export type CompletionArgs = CommandArgs<typeof COMPLETION_COMMAND>;
export type CompleteArgs = CommandArgs<typeof COMPLETE_COMMAND>;
