/**
 * What every command's `run` receives: streams, environment, clock, Ctrl-C signal, global flags,
 * and lazily built services (the credential store). Commands never reach for process.* directly.
 */
import { UsageError } from '../errors.js';
import type { NetOptions } from '../auth/net.js';
import { configDir, type Env } from '../auth/paths.js';
import { CredentialStore } from '../auth/store.js';
import type { Io } from '../output/io.js';

export interface CommonOptions {
  profile?: string;
  verbose?: boolean;
  json?: boolean;
  /** --jq: the command prints JSON, which this jq expression filters (output/jq.ts). */
  jq?: string;
  timeout?: string;
  /** commander turns --no-verify-ssl into verifySsl: false */
  verifySsl?: boolean;
}

export interface Ctx {
  io: Io;
  env: Env;
  now: () => number;
  signal: AbortSignal;
  store(): CredentialStore;
  /** Network settings from flags and environment; `secrets` collects what logs must redact. */
  net(opts: CommonOptions): NetOptions;
  warn(line: string): void;
}

export function parseTimeout(flag: string | undefined, env: Env): number | undefined {
  const raw = flag ?? env.ZENML_STORE_HTTP_TIMEOUT;
  if (raw === undefined || raw === '') return undefined;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 86_400) {
    throw new UsageError(`${flag !== undefined ? '--timeout' : 'ZENML_STORE_HTTP_TIMEOUT'} must be a number of seconds between 0 and 86400, not ${JSON.stringify(String(raw).slice(0, 40))}`);
  }
  return Math.round(s * 1000);
}

export function makeCtx(io: Io, env: Env, signal: AbortSignal): Ctx {
  let store: CredentialStore | undefined;
  const secrets: string[] = [];
  const warn = (line: string) => io.err(line);
  return {
    io,
    env,
    now: () => Date.now(),
    signal,
    warn,
    store: () => (store ??= new CredentialStore({ dir: configDir(env), env, warn })),
    net: (opts) => {
      const timeoutMs = parseTimeout(opts.timeout, env);
      const verbose = opts.verbose === true || env.ZENML_API_VERBOSE === '1';
      return {
        ...(timeoutMs ? { timeoutMs } : {}),
        noVerifySsl: opts.verifySsl === false,
        ...(verbose ? { log: (line: string) => io.err(line) } : {}),
        signal,
        secrets,
      };
    },
  };
}
