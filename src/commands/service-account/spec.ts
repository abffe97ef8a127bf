/** `service-account …` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, type ArgSpec, NETWORK_FLAGS, PROFILE_FLAG, type CommandArgs, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const YES_FLAG = { short: 'y', long: 'yes', key: 'yes', kind: 'bool', description: 'do not ask for confirmation (required when stdin is not a terminal)' } as const satisfies FlagSpec;

/**
 * A request's flags: --json/--jq with this description, then --profile and the network flags
 * (most subcommands). `profile` is PRO_PROFILE_FLAG on Pro commands, where it chooses whose Pro credentials.
 */
export const requestFlagsWith = <P extends FlagSpec>(json: string, profile: P) => [...jsonFlags(json), profile, ...NETWORK_FLAGS] as const;
export const requestFlags = (json: string) => requestFlagsWith(json, PROFILE_FLAG);

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

const NAME_OR_ID = [{ key: 'nameOrId', kind: 'required', description: "the service account's name or id" }] as const satisfies readonly ArgSpec[];

export const SA_CREATE = { name: 'create', args: [{ key: 'name', kind: 'required', description: "the new account's name" }], flags: SA_CREATE_FLAGS } as const satisfies CommandSpec;
export const SA_LIST = { name: 'list', args: [], flags: SA_LIST_FLAGS } as const satisfies CommandSpec;
export const SA_DESCRIBE = { name: 'describe', args: NAME_OR_ID, flags: SA_DESCRIBE_FLAGS } as const satisfies CommandSpec;
export const SA_ACTIVATE = { name: 'activate', args: NAME_OR_ID, flags: SA_ACTIVATE_FLAGS } as const satisfies CommandSpec;
export const SA_DEACTIVATE = { ...SA_ACTIVATE, name: 'deactivate' } as const satisfies CommandSpec;
export const SA_DELETE = { name: 'delete', args: NAME_OR_ID, flags: SA_DELETE_FLAGS } as const satisfies CommandSpec;

export type SaCreateArgs = CommandArgs<typeof SA_CREATE>;
export type SaArgs = CommandArgs<typeof SA_DESCRIBE>;
export type SaCreateOptions = CommandOptions<typeof SA_CREATE>;
export type SaRequestOptions = CommandOptions<typeof SA_LIST>;
export type SaDeleteOptions = CommandOptions<typeof SA_DELETE>;
