/**
 * `token [--json] [--profile NAME]` when a valid token is already stored, bundled as a small
 * CommonJS file (dist/fast.cjs) that dist/main.cjs runs before the full CLI: scripts run
 * `$(zenml-api token)` in loops, and start-up is its whole cost.
 *
 * It never goes to the network, and reports one error only, a keychain that missed its deadline
 * (asking again would wait as long again): whenever else it is not sure (no token, an expired
 * one, a keychain problem, anything unexpected) it returns false and the full CLI runs.
 */
import { configDir } from './auth/paths.js';
import { resolveProfile } from './auth/resolve.js';
import { KeychainTimeoutError } from './auth/secrets/backend.js';
import { keychainStuck } from './auth/secrets/keychain.js';
import { CredentialStore } from './auth/store.js';
import { computeExpiry, isExpiring, parseStoredToken, type StoredToken } from './auth/tokens.js';
import { fastTokenOptions, type NormalizedArgs } from './cli-args.js';
import { colorWanted, fdIsTTY, writeFd } from './output/io.js';
import { envTimeout } from './commands/context.js';
import { formatToken } from './commands/token/format.js';

const write = (text: string, fd: 1 | 2 = 1) => writeFd(fd, text);
const stdoutIsTTY = () => fdIsTTY(1);

/** The arguments as normalizeArgs (cli-args.ts) gives them to main.ts. */
export async function runFast({ args, noColor }: NormalizedArgs): Promise<boolean> {
  const opts = fastTokenOptions(args);
  // Only the stored token, printed: minting (--expires-in), --jq, request flags and the warning
  // about a timeout variable it cannot use are the full CLI's.
  if (!opts || envTimeout(process.env).warning) return false;
  if (Object.entries(opts).some(([k, v]) => !(k === 'json' || k === 'profile' || (k === 'verifySsl' && v === true)))) return false;
  try {
    const env = process.env;
    const store = new CredentialStore({ dir: configDir(env), env, warn: () => undefined });
    const profile = resolveProfile(store.profiles.read(), { flag: opts.profile, env });
    let t: StoredToken | null;
    if (profile.env) {
      if (!profile.env.token) return false;
      t = { token: profile.env.token, expiresAt: computeExpiry(profile.env.token, null, 0), obtainedAt: 0 };
    } else {
      if (!profile.settings.server || !profile.settings.auth) return false;
      t = parseStoredToken(await store.get(profile.name, profile.settings.storage ?? 'keychain', 'access-token'));
    }
    if (!t || isExpiring(t, Date.now())) return false;
    // The terminal check loads the tty module: only where the JSON form needs it.
    const isTTY = opts.json === true && stdoutIsTTY();
    const output = { token: t.token, expiresAt: t.expiresAt, profile: profile.name, server: profile.settings.server ?? null };
    await write(formatToken(output, opts.json, { stdoutIsTTY: isTTY, color: colorWanted(isTTY, env, noColor) }));
    return true;
  } catch (e) {
    if (e instanceof KeychainTimeoutError) {
      // The full CLI would ask the keychain again and wait as long again: report it here, in the
      // words and with the exit code src/cli.ts gives it.
      await write(`zenml-api: ${e.message}\n`, 2);
      // A native call stuck on the thread pool would keep the process alive (see src/cli.ts).
      if (keychainStuck()) process.kill(process.pid, 'SIGKILL');
      process.exitCode = e.exitCode;
      return true;
    }
    return false;
  }
}
