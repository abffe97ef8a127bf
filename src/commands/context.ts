/**
 * What every command's `run` receives: streams, environment, clock, Ctrl-C signal, global flags,
 * and lazily built services (the credential store). Commands never reach for process.* directly.
 */
import { UsageError } from '../errors.js';
import type { NetOptions } from '../auth/net.js';
import { configDir, type Env } from '../auth/paths.js';
import { CredentialStore } from '../auth/store.js';
import type { Io } from '../output/io.js';
import { knownSecrets, redact, rememberSecret } from '../api/redact.js';

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

/** What is wrong with a timeout in seconds, or null: one rule for --timeout and the variable. */
function timeoutProblem(raw: string): string | null {
  const s = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(s)) return `must be a number of seconds, not ${JSON.stringify(raw.slice(0, 40))}`;
  if (s < 1) return 'must be at least 1 second';
  if (s > 86_400) return 'must be at most 86400 seconds (a day)';
  return null;
}

/**
 * ZENML_STORE_HTTP_TIMEOUT in milliseconds, or a warning: the variable is shared with the ZenML
 * Python client in CI, so a value this tool cannot use is reported and ignored, not fatal.
 */
export function envTimeout(env: Env): { ms?: number; warning?: string } {
  const raw = env.ZENML_STORE_HTTP_TIMEOUT;
  if (raw === undefined || raw === '') return {};
  const problem = timeoutProblem(raw);
  if (problem) return { warning: `zenml-api: warning: ignoring ZENML_STORE_HTTP_TIMEOUT: it ${problem}` };
  return { ms: Math.round(Number(raw) * 1000) };
}

export function parseTimeout(flag: string | undefined, env: Env): number | undefined {
  if (flag === undefined) return envTimeout(env).ms;
  const problem = timeoutProblem(flag);
  if (problem) throw new UsageError(`--timeout ${problem}`);
  return Math.round(Number(flag) * 1000);
}

/** Environment variables whose values are secrets: never shown, whatever a server echoes. */
const SECRET_VARIABLES = ['ZENML_STORE_API_KEY', 'ZENML_STORE_API_TOKEN', 'ZENML_STORE_PASSWORD', 'ZENML_PRO_API_KEY', 'ZENML_PRO_API_TOKEN'] as const;

/** The same streams, with every stderr line redacted (by value and by shape) before it is written. */
export function redactingIo(io: Io): Io {
  return Object.assign(Object.create(io) as Io, { err: (line: string) => io.err(redact(line)) });
}

export function makeCtx(rawIo: Io, env: Env, signal: AbortSignal): Ctx {
  let store: CredentialStore | undefined;
  for (const v of SECRET_VARIABLES) rememberSecret(env[v]);
  const secrets = knownSecrets();
  const io = redactingIo(rawIo);
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
