/** The flags of `service-account …`, as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec, type OptionsOf } from '../options.js';

export const YES_FLAG = { short: 'y', long: 'yes', key: 'yes', kind: 'bool', description: 'do not ask for confirmation (required when stdin is not a terminal)' } as const satisfies FlagSpec;

/** --json/--jq with this description, then --profile and the network flags: most subcommands. */
/** A request's flags; `profile` is PRO_PROFILE_FLAG on Pro commands, where it chooses whose Pro credentials. */
export const requestFlags = <P extends FlagSpec = typeof PROFILE_FLAG>(json: string, profile: P = PROFILE_FLAG as unknown as P) =>
  [...jsonFlags(json), profile, ...NETWORK_FLAGS] as const;

export const SA_CREATE_FLAGS = [
  { long: 'description', arg: 'text', key: 'description', kind: 'value', description: 'what the account is for' },
  { long: 'no-api-key', key: 'apiKey', kind: 'negate', description: 'create the account without an API key' },
  { long: 'login', key: 'login', kind: 'bool', description: 'store the key in a profile (checked like `zenml-api login --api-key`) instead of printing it' },
  { long: 'profile', arg: 'name', key: 'profile', kind: 'value', description: 'with --login: the profile that gets the key (default: the account name); the request itself uses the current profile. Without --login: the profile to use' },
  { long: 'output-file', arg: 'file', key: 'outputFile', kind: 'value', description: 'write the key to this new file (mode 0600) instead of stdout' },
  { long: 'force', key: 'force', kind: 'bool', description: 'replace an existing --output-file, or the credentials of an existing --login profile' },
  ...NETWORK_FLAGS,
  ...jsonFlags('print the account and key objects as JSON (the key is in api_key.body.key unless it went to --login or --output-file)'),
] as const satisfies readonly FlagSpec[];
export const SA_LIST_FLAGS = requestFlags('print the accounts as a JSON array');
export const SA_DESCRIBE_FLAGS = requestFlags("print the server's response body");
export const SA_ACTIVATE_FLAGS = requestFlags('print the updated account as JSON');
export const SA_DELETE_FLAGS = [YES_FLAG, ...requestFlags("print the deleted account's id and name as JSON")] as const satisfies readonly FlagSpec[];

export type SaCreateOptions = OptionsOf<typeof SA_CREATE_FLAGS>;
export type SaRequestOptions = OptionsOf<typeof SA_LIST_FLAGS>;
export type SaDeleteOptions = OptionsOf<typeof SA_DELETE_FLAGS>;
