/**
 * What differs between ZenML server versions, as data: one row per wire generation.
 *
 * Read by the client (which `/api_token` parameters to send, whether retried writes are
 * de-duplicated) and by the test stand-in (test/support/standin), which answers as the row of
 * the version it plays. Facts come from the recorded exchanges in test/vectors/ (0.58.0, 0.85.0)
 * and, for the 0.9x row, from documentation only (docs/zenml-api.md, tag [S]).
 * Supporting a new server version = a new row, its recorded exchanges, their replay test.
 */

export type VersionRowId = '0.58' | '0.85' | '0.9x';

/** What `GET /api/v1/api_token` does with a given query (0.58 password-login callers, see below). */
export type CallerTokenAnswer = 'caller' | 'new' | 'new-keeping-exp';

export interface VersionRow {
  readonly id: VersionRowId;
  /** Versions the row covers, for messages. */
  readonly covers: string;
  /** Lowest major.minor the row applies to; rows are sorted by it. */
  readonly since: readonly [number, number];
  /** Versions whose exchanges were recorded from a real server; empty: documentation only. */
  readonly recorded: readonly string[];
  /** `version` the stand-in reports in this row. */
  readonly standinVersion: string;

  readonly apiToken: {
    /** The query parameter that asks for a lifetime, and its unit. */
    readonly lifetimeParam: 'expires_minutes' | 'expires_in';
    readonly lifetimeUnit: 'minutes' | 'seconds';
    /** Sent with every request for a short-lived token. */
    readonly fixedQuery: Readonly<Record<string, string>>;
    /** Query parameters that scope a token to a workload. */
    readonly scopeParams: readonly string[];
    /** Lifetime of a token asked for without one; null: it does not expire. */
    readonly defaultLifetimeSeconds: number | null;
    /** Longest lifetime a server accepts (400 beyond); null: no limit. */
    readonly maxLifetimeSeconds: number | null;
    /**
     * The answer can be the caller's own token, unchanged, whatever lifetime was asked for
     * (0.58 with a token from a password login). A client must compare and refuse it.
     */
    readonly mayReturnCallerToken: boolean;
    /**
     * 0.58, caller logged in with a password, by query kind; `withoutExpiry` on a server that
     * issues non-expiring logins, `withExpiry` on one that does not. Null on other rows.
     */
    readonly passwordCaller: null | {
      readonly withoutExpiry: Readonly<Record<'none' | 'lifetime' | 'scope', CallerTokenAnswer>>;
      readonly withExpiry: Readonly<Record<'none' | 'lifetime' | 'scope', CallerTokenAnswer>>;
    };
    /** Minted generic tokens keep the caller's `api_key_id` claim. */
    readonly keepsApiKeyId: boolean;
    /** 400 text for a workload token without a scope; null where there are no token types. */
    readonly unscopedWorkloadMessage: string | null;
  };

  readonly health: { readonly contentType: string; readonly body: string };
  /** `GET /ready` exists. */
  readonly readyRoute: boolean;

  readonly errors: {
    /** Class in `["<class>", "Authentication error: …"]` bodies of rejected credentials. */
    readonly credentialClass: 'AuthorizationException' | 'CredentialsNotValid';
    /** 401 on protected routes: string `detail` + `WWW-Authenticate: Bearer`, or the class list without it. */
    readonly protected401: 'detail-string' | 'class-list';
    /** A token that does not decode: one fixed text, or the JWT library's reason. */
    readonly decodeError: 'fixed' | 'with-reason';
    /** Request-validation (422) text inside the bare `["ValueError", text]` array. */
    readonly validationText: 'pydantic-v1' | 'pydantic-v2-repr';
  };

  readonly bearer: {
    /** `Authorization: Bearer ` with nothing after it. */
    readonly empty: 'not-authenticated' | 'decode-error';
    /** A raw `ZENKEY_…` accepted as a bearer token. */
    readonly rawApiKey: boolean;
  };

  readonly login: {
    /** Keys of the token response, in order. */
    readonly responseFields: readonly string[];
    /** Grant assumed for a form that names none and implies none. */
    readonly defaultGrant: 'zenml-external' | 'by-auth-scheme';
    /** Login sets the session cookie for these grants. */
    readonly cookieGrants: readonly string[];
    /** The device grant's token response names the device in `device_id`. */
    readonly deviceIdInResponse: boolean;
    /** A `multipart/form-data` login is refused (403 `File uploads are not allowed on this endpoint.`). */
    readonly multipartRefused: boolean;
  };

  readonly device: {
    /** Who a device belongs to: `body.user` (an embedded user), or `body.user_id` plus `resources.user`. */
    readonly owner: 'body.user' | 'user_id+resources';
  };

  readonly writes: {
    /** Retried POST/PUT/DELETE with the same `Idempotency-Key` run once. */
    readonly dedupedByIdempotencyKey: boolean;
    /** A request slower than the server's timeout gets 429 "Server too busy". */
    readonly busy429: boolean;
  };

  readonly shapes: {
    /** Extra keys of a user's `body`, after `is_admin`. */
    readonly userBodyExtra: readonly string[];
    /** `metadata.hub_token` on users. */
    readonly userHubToken: boolean;
    /** Service accounts carry `full_name`, `avatar_url` and `metadata.external_user_id`. */
    readonly serviceAccountProfile: boolean;
    /** The JSON inside a `ZENKEY_`: Python's default separators, or compact. */
    readonly apiKeyJson: 'spaced' | 'compact';
    /** `/api/v1/info` flavour: `use_legacy_dashboard`, or `name`, `last_user_activity` and `pro_*`. */
    readonly info: 'legacy-dashboard' | 'pro-fields';
    /** `/api/v1/settings`: `metadata.onboarding_state`, or `body.last_user_activity`. */
    readonly settings: 'onboarding-state' | 'last-user-activity';
  };

  /** Lists a user is likely to `call --paginate` beyond accounts and keys (each a Page). */
  readonly listRoutes: readonly string[];
  /** Where the lists of projects live; `workspaces` is their old name on 0.80 and later. */
  readonly projects: 'workspaces' | 'projects';
  /**
   * Resources whose single-item path takes a name as well as an id (`{…_name_or_id}`); every
   * other one needs the UUID, e.g. `/service_accounts/{id}/api_keys` (a name there is 422).
   */
  readonly byName: readonly string[];
}

const LOGIN_FIELDS_OLD = ['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'] as const;
const LOGIN_FIELDS_NEW = [
  'access_token',
  'token_type',
  'expires_in',
  'refresh_token',
  'csrf_token',
  'scope',
  'device_id',
  'device_metadata',
] as const;

const ROW_058: VersionRow = {
  id: '0.58',
  covers: '< 0.70',
  since: [0, 0],
  recorded: ['0.58.0'],
  standinVersion: '0.58.0',
  apiToken: {
    lifetimeParam: 'expires_minutes',
    lifetimeUnit: 'minutes',
    fixedQuery: {},
    scopeParams: ['pipeline_id', 'schedule_id'],
    defaultLifetimeSeconds: null,
    maxLifetimeSeconds: null,
    mayReturnCallerToken: true,
    passwordCaller: {
      withoutExpiry: { none: 'caller', lifetime: 'caller', scope: 'caller' },
      withExpiry: { none: 'new', lifetime: 'caller', scope: 'new-keeping-exp' },
    },
    keepsApiKeyId: true,
    unscopedWorkloadMessage: null,
  },
  health: { contentType: 'application/json', body: '"OK"' },
  readyRoute: false,
  errors: {
    credentialClass: 'AuthorizationException',
    protected401: 'detail-string',
    decodeError: 'fixed',
    validationText: 'pydantic-v1',
  },
  bearer: { empty: 'not-authenticated', rawApiKey: false },
  login: {
    responseFields: LOGIN_FIELDS_OLD,
    defaultGrant: 'zenml-external',
    cookieGrants: ['password', 'zenml-api-key', 'urn:ietf:params:oauth:grant-type:device_code', 'zenml-external'],
    deviceIdInResponse: false,
    multipartRefused: false,
  },
  device: { owner: 'body.user' },
  writes: { dedupedByIdempotencyKey: false, busy429: false },
  shapes: {
    userBodyExtra: [],
    userHubToken: true,
    serviceAccountProfile: false,
    apiKeyJson: 'spaced',
    info: 'legacy-dashboard',
    settings: 'onboarding-state',
  },
  listRoutes: ['runs', 'stacks', 'components', 'workspaces'],
  projects: 'workspaces',
  byName: ['users', 'service_accounts', 'api_keys', 'workspaces'],
};

const ROW_085: VersionRow = {
  id: '0.85',
  covers: '0.70–0.89',
  since: [0, 70],
  recorded: ['0.85.0'],
  standinVersion: '0.85.0',
  apiToken: {
    lifetimeParam: 'expires_in',
    lifetimeUnit: 'seconds',
    fixedQuery: { token_type: 'generic' },
    scopeParams: ['schedule_id', 'pipeline_run_id'],
    defaultLifetimeSeconds: 3600,
    maxLifetimeSeconds: 604800,
    mayReturnCallerToken: false,
    passwordCaller: null,
    keepsApiKeyId: false,
    unscopedWorkloadMessage: 'Workload API tokens must be scoped to a schedule or pipeline run.',
  },
  health: { contentType: 'text/plain; charset=utf-8', body: 'ok' },
  readyRoute: true,
  errors: {
    credentialClass: 'CredentialsNotValid',
    protected401: 'class-list',
    decodeError: 'with-reason',
    validationText: 'pydantic-v2-repr',
  },
  bearer: { empty: 'decode-error', rawApiKey: false },
  login: {
    responseFields: LOGIN_FIELDS_NEW,
    defaultGrant: 'by-auth-scheme',
    cookieGrants: ['password', 'zenml-external'],
    deviceIdInResponse: false,
    multipartRefused: true,
  },
  device: { owner: 'user_id+resources' },
  // Not observed on 0.85.0: assumed absent, the safe side (a write is then retried only
  // when it cannot have reached the server).
  writes: { dedupedByIdempotencyKey: false, busy429: false },
  shapes: {
    userBodyExtra: ['default_project_id', 'avatar_url'],
    userHubToken: false,
    serviceAccountProfile: true,
    apiKeyJson: 'compact',
    info: 'pro-fields',
    settings: 'last-user-activity',
  },
  listRoutes: ['runs', 'stacks', 'components', 'projects', 'workspaces'],
  projects: 'projects',
  byName: ['users', 'service_accounts', 'api_keys', 'projects', 'workspaces'],
};

/** 0.9x: the 0.85 row plus what documentation says changed after it; nothing else. */
const ROW_09X: VersionRow = {
  ...ROW_085,
  id: '0.9x',
  covers: '≥ 0.90',
  since: [0, 90],
  recorded: [],
  standinVersion: '0.93.0',
  apiToken: {
    ...ROW_085.apiToken,
    scopeParams: ['schedule_id', 'pipeline_run_id', 'deployment_id'],
    unscopedWorkloadMessage: 'Workload API tokens must be scoped to a schedule, pipeline run or deployment.',
  },
  bearer: { ...ROW_085.bearer, rawApiKey: true },
  login: { ...ROW_085.login, deviceIdInResponse: true },
  writes: { dedupedByIdempotencyKey: true, busy429: true },
};

/** Oldest first. */
export const VERSION_ROWS: readonly VersionRow[] = [ROW_058, ROW_085, ROW_09X];

export function versionRow(id: VersionRowId): VersionRow {
  return VERSION_ROWS.find((r) => r.id === id)!;
}

export interface RowChoice {
  row: VersionRow;
  /** Why the row is a guess (for --verbose); null when the version is one the row covers. */
  note: string | null;
}

/** The row for a server's `/api/v1/info` `version`; unknown or newer versions get the newest row. */
export function rowForVersion(version: string): RowChoice {
  const newest = VERSION_ROWS[VERSION_ROWS.length - 1]!;
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return { row: newest, note: `server version ${JSON.stringify(version.slice(0, 40))} is not one this tool knows: assuming the newest wire (${newest.covers})` };
  const v: [number, number] = [Number(m[1]), Number(m[2])];
  const atLeast = (s: readonly [number, number]): boolean => v[0] > s[0] || (v[0] === s[0] && v[1] >= s[1]);
  let row = VERSION_ROWS[0]!;
  for (const r of VERSION_ROWS) if (atLeast(r.since)) row = r;
  if (v[0] > 0 || v[1] > 99) {
    return { row, note: `server version ${version} is newer than any this tool knows: assuming the newest wire (${row.covers})` };
  }
  return { row, note: null };
}
