/** `pro …` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, NETWORK_FLAGS, PRO_PROFILE_FLAG, PROFILE_FLAG, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';
import { requestFlagsWith } from '../service-account/spec.js';

const requestFlags = (json: string) => requestFlagsWith(json, PRO_PROFILE_FLAG);

export const PRO_LOGIN_FLAGS = [
  { long: 'token', arg: 'source', key: 'token', kind: 'optional', description: "a Pro API token from the dashboard: '-' reads stdin; alone, a hidden prompt" },
  { long: 'api-key', arg: 'source', key: 'apiKey', kind: 'optional', description: "a ZENPROKEY_ key (service account or personal access token): '-' reads stdin; alone, a prompt" },
  { long: 'pro-api-url', arg: 'url', key: 'proApiUrl', kind: 'value', description: 'the Pro management API (default https://cloudapi.zenml.io, or ZENML_PRO_API_URL)' },
  { long: 'insecure-storage', key: 'insecureStorage', kind: 'bool', description: 'store secrets in a 0600 file instead of the OS keychain' },
  { long: 'allow-insecure-http', key: 'allowInsecureHttp', kind: 'bool', description: 'allow a plain http:// Pro API URL on a host that is not this machine' },
  { ...PROFILE_FLAG, description: 'the profile to store the Pro credentials in (default: ZENML_API_PROFILE, else the current profile, else "default")' },
  ...NETWORK_FLAGS,
  ...jsonFlags('print who was logged in, as JSON'),
] as const satisfies readonly FlagSpec[];
export const PRO_LOGOUT_FLAGS = [PROFILE_FLAG] as const satisfies readonly FlagSpec[];
export const PRO_TOKEN_FLAGS = requestFlags('print token, expiry and profile as JSON');
export const PRO_ME_FLAGS = requestFlags("print the API's response body");
export const PRO_ORGS_FLAGS = requestFlags('print as JSON');
export const PRO_WORKSPACES_FLAGS = [
  { long: 'organization', arg: 'id', key: 'organization', kind: 'value', description: 'only this organization' },
  ...requestFlags('print as JSON'),
] as const satisfies readonly FlagSpec[];

export const PRO_LOGIN = { name: 'login', args: [], flags: PRO_LOGIN_FLAGS } as const satisfies CommandSpec;
export const PRO_LOGOUT = { name: 'logout', args: [], flags: PRO_LOGOUT_FLAGS } as const satisfies CommandSpec;
export const PRO_TOKEN = { name: 'token', args: [], flags: PRO_TOKEN_FLAGS } as const satisfies CommandSpec;
export const PRO_USERS_ME = { name: 'me', args: [], flags: PRO_ME_FLAGS } as const satisfies CommandSpec;
export const PRO_ORGS_LIST = { name: 'list', args: [], flags: PRO_ORGS_FLAGS } as const satisfies CommandSpec;
export const PRO_WORKSPACES_LIST = { name: 'list', args: [], flags: PRO_WORKSPACES_FLAGS } as const satisfies CommandSpec;

export type ProLoginOptions = CommandOptions<typeof PRO_LOGIN>;
export type ProLogoutOptions = CommandOptions<typeof PRO_LOGOUT>;
export type ProRequestOptions = CommandOptions<typeof PRO_TOKEN>;
export type ProWorkspacesOptions = CommandOptions<typeof PRO_WORKSPACES_LIST>;
