/**
 * The credential kinds: one row each, and every rule about a kind is read from its row. `login`,
 * `pro login`, `token`, `status`, `profile *`, `logout`, renewal and the HTTP token provider ask
 * this table instead of deciding for themselves (docs/DESIGN.md, "Credential kinds").
 *
 * A row says which secrets the kind keeps, which URL they are bound to (the profile's server or
 * its Pro API URL), whether and how an expired or rejected token is replaced, how the kind is
 * described, and what a user should do when it fails. Pure data plus small pure functions: no I/O.
 */
import type { SecretName } from './store.js';

export type ServerKind = 'api-key' | 'password' | 'token' | 'device' | 'pro-external';
export type ProKind = 'pro-token' | 'pro-api-key';
export type KindName = ServerKind | ProKind;

/** How an expired or rejected token is replaced. */
export type Renewal =
  /** POST /api/v1/login with the stored or environment API key. */
  | 'api-key-login'
  /** POST /api/v1/login with the stored or environment user name and password. */
  | 'password-login'
  /** POST /api/v1/login (zenml-external) with a valid Pro token of the same profile. */
  | 'pro-external-login'
  /** POST {pro}/auth/login with the ZENPROKEY_ key. */
  | 'pro-key-login'
  /** Nothing can: the user must log in again. */
  | 'none';

export interface KindRow {
  /** Where its secrets may be sent: the profile's server, or its Pro API URL. */
  audience: 'server' | 'pro';
  /** The secret that holds its current token. */
  tokenSecret: 'access-token' | 'pro-token';
  /** The long-lived secrets it keeps beside the token (sent only to its audience's URL). */
  keeps: readonly SecretName[];
  renewal: Renewal;
  /** How `status`, `profile list` and messages name it. */
  label: string;
  /** What to do when its token expired and cannot be renewed, or is missing (stored profile). */
  relogin: (profile: string) => string;
  /** The same, when the credentials came from the environment. */
  reloginEnv: string;
}

const profileFlag = (p: string) => (p === 'default' ? '' : ` --profile ${p}`);

export const KINDS: Readonly<Record<KindName, KindRow>> = {
  'api-key': {
    audience: 'server',
    tokenSecret: 'access-token',
    keeps: ['api-key'],
    renewal: 'api-key-login',
    label: 'API key',
    relogin: (p) => `Run \`zenml-api login --api-key -${profileFlag(p)}\` again.`,
    reloginEnv: 'Check ZENML_STORE_API_KEY.',
  },
  password: {
    audience: 'server',
    tokenSecret: 'access-token',
    keeps: ['password'],
    renewal: 'password-login',
    label: 'password',
    relogin: (p) => `Run \`zenml-api login --username NAME${profileFlag(p)}\` again.`,
    reloginEnv: 'Check ZENML_STORE_USERNAME and ZENML_STORE_PASSWORD.',
  },
  token: {
    audience: 'server',
    tokenSecret: 'access-token',
    keeps: [],
    renewal: 'none',
    label: 'dashboard token',
    relogin: (p) => `A token from the dashboard cannot be renewed: get a new one and run \`zenml-api login --token -${profileFlag(p)}\`.`,
    reloginEnv: 'Set a fresh ZENML_STORE_API_TOKEN.',
  },
  device: {
    audience: 'server',
    tokenSecret: 'access-token',
    keeps: [],
    renewal: 'none',
    label: 'browser login',
    relogin: (p) => `Run \`zenml-api login --web${profileFlag(p)}\` again.`,
    reloginEnv: 'Set a fresh ZENML_STORE_API_TOKEN.',
  },
  'pro-external': {
    audience: 'server',
    tokenSecret: 'access-token',
    // Its Pro secrets belong to the Pro rows below: they go only to the Pro API URL.
    keeps: [],
    renewal: 'pro-external-login',
    label: 'ZenML Pro workspace',
    relogin: (p) => `Run \`zenml-api login --pro-workspace WORKSPACE --profile ${p}\` again (after \`zenml-api pro login\` if your Pro credentials expired).`,
    reloginEnv: 'Set fresh ZenML Pro credentials (ZENML_PRO_API_KEY or ZENML_PRO_API_TOKEN).',
  },
  'pro-token': {
    audience: 'pro',
    tokenSecret: 'pro-token',
    keeps: [],
    renewal: 'none',
    label: 'ZenML Pro token',
    relogin: (p) =>
      `Pro API tokens last one hour: create a new one in the Pro dashboard (Organization Settings → API Tokens) and run \`zenml-api pro login --token -${profileFlag(p)}\`, or use a ZENPROKEY_ key with \`zenml-api pro login --api-key -\`.`,
    reloginEnv: 'Set a fresh ZENML_PRO_API_TOKEN, or a ZENPROKEY_ key in ZENML_PRO_API_KEY.',
  },
  'pro-api-key': {
    audience: 'pro',
    tokenSecret: 'pro-token',
    keeps: ['pro-api-key'],
    renewal: 'pro-key-login',
    label: 'ZenML Pro API key',
    relogin: (p) => `Run \`zenml-api pro login --api-key -${profileFlag(p)}\` again.`,
    reloginEnv: 'Check ZENML_PRO_API_KEY.',
  },
};

export function kindRow(kind: KindName): KindRow {
  return KINDS[kind];
}

/** The hint for a kind that needs the user: stored profile or environment. */
export function reloginHint(kind: KindName, profile: string, fromEnvironment: boolean): string {
  const row = KINDS[kind];
  return fromEnvironment ? row.reloginEnv : row.relogin(profile);
}

/**
 * Whether a profile's token of this kind can be replaced without the user. A Pro workspace
 * renews only while its profile holds Pro credentials (from `pro login`, kept at `login
 * --pro-workspace`); one logged in with a Pro token from the environment cannot.
 */
export function renews(kind: KindName | undefined, settings: { proAuth?: ProKind | undefined } = {}): boolean {
  if (!kind) return false;
  const r = KINDS[kind].renewal;
  if (r === 'none') return false;
  if (r === 'pro-external-login') return settings.proAuth !== undefined;
  return true;
}

/** How a profile's credentials read in a table: "API key", "ZenML Pro token", both joined, or "logged out". */
export function credentialsLabel(kind: KindName | undefined, proKind: ProKind | undefined): string {
  const parts = [kind, proKind].filter((k): k is KindName => k !== undefined).map((k) => KINDS[k].label);
  return parts.length ? parts.join(' + ') : 'logged out';
}
