/** `login` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, NETWORK_FLAGS, type CommandArgs, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const LOGIN_FLAGS = [
  { long: 'api-key', arg: 'source', key: 'apiKey', kind: 'optional', description: "a service account's API key: '-' reads it from stdin; alone, a hidden prompt" },
  { long: 'token', arg: 'source', key: 'token', kind: 'optional', description: "a short-lived token from the dashboard: '-' reads stdin; alone, a hidden prompt" },
  { long: 'username', arg: 'name', key: 'username', kind: 'value', description: 'log in with a user name and password (password grant)' },
  { long: 'password-stdin', key: 'passwordStdin', kind: 'bool', description: 'read the password from stdin (with --username)' },
  { long: 'web', key: 'web', kind: 'bool', description: 'log in through the browser (device authorization): prints a URL and a code' },
  { long: 'pro-workspace', arg: 'name-or-id', key: 'proWorkspace', kind: 'value', description: 'log in to a ZenML Pro workspace with your Pro credentials (see `pro login`)' },
  { long: 'pro-profile', arg: 'name', key: 'proProfile', kind: 'value', description: 'with --pro-workspace: the profile whose Pro credentials to use (default: ZENML_PRO_API_*, else --profile or the current profile when it has Pro credentials, else the only profile that has)' },
  { long: 'profile', arg: 'name', key: 'profile', kind: 'value', description: 'the profile to create or update (default: the current one if it is on this server, else the only one on it, else "default")' },
  { long: 'ca-cert', arg: 'file', key: 'caCert', kind: 'value', description: 'trust this PEM CA bundle for the server (stored in the profile)' },
  { long: 'insecure-storage', key: 'insecureStorage', kind: 'bool', description: 'store secrets in a 0600 file instead of the OS keychain' },
  { long: 'allow-insecure-http', key: 'allowInsecureHttp', kind: 'bool', description: 'allow plain http:// to a host that is not this machine' },
  { long: 'no-switch', key: 'switch', kind: 'negate', description: 'do not make this profile the current one' },
  { long: 'force', key: 'force', kind: 'bool', description: "replace a profile's server or identity without asking (needed without a terminal)" },
  ...NETWORK_FLAGS,
  ...jsonFlags('print who was logged in, as JSON'),
] as const satisfies readonly FlagSpec[];

export const LOGIN_COMMAND = {
  name: 'login',
  args: [{ key: 'serverUrl', kind: 'optional', description: "the server, e.g. https://zenml.example.com (default: the profile's server)" }],
  flags: LOGIN_FLAGS,
} as const satisfies CommandSpec;

export type LoginArgs = CommandArgs<typeof LOGIN_COMMAND>;
export type LoginOptions = CommandOptions<typeof LOGIN_COMMAND>;
