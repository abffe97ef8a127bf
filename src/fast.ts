/**
 * The hottest paths, bundled as a small CommonJS file (dist/fast.cjs) that bin/zenml-api.js
 * runs before anything else: `--version`, and `token [--json] [--profile NAME]` when a valid
 * token is already stored. CommonJS because starting Node's ESM loader costs more than all of
 * this code (see bench/RESULTS.md).
 *
 * It never goes to the network, and reports one error only, a keychain that missed its deadline
 * (asking again would wait as long again): whenever else it is not sure (no token, an expired
 * one, a keychain problem, anything unexpected) it returns false and the full CLI runs.
 */
import { fstatSync, writeSync } from 'node:fs';
import { configDir } from './auth/paths.js';
import { resolveProfile } from './auth/resolve.js';
import { KeychainTimeoutError } from './auth/secrets/backend.js';
import { keychainStuck } from './auth/secrets/keychain.js';
import { CredentialStore } from './auth/store.js';
import { computeExpiry, isExpiring, parseStoredToken, type StoredToken } from './auth/tokens.js';
import { fastTokenOptions, normalizeArgs } from './cli-args.js';
import { colorWanted } from './output/io.js';
import { envTimeout } from './commands/context.js';
import { formatToken } from './commands/token/format.js';
import { VERSION } from './version.js';

/**
 * Writes straight to the file descriptor. Creating process.stdout for a pipe (`$(zenml-api
 * token)`) loads node:net and the stream machinery, about 4-5 ms here, which is more than the
 * rest of this path; Node writes to pipes and terminals synchronously on Linux anyway. A
 * descriptor that someone made non-blocking (EAGAIN) gets the rest through the stream; a
 * reader that went away (EPIPE, `| head -c0`) ends the output quietly, as in the full CLI.
 */
function write(text: string, fd: 1 | 2 = 1): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
    return Promise.resolve();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return Promise.resolve();
    const stream = fd === 1 ? process.stdout : process.stderr;
    return new Promise((resolve) => {
      stream.write(bytes.subarray(done), () => resolve());
    });
  }
}

/** Asks process.stdout (which loads the tty module) only when fd 1 could be a terminal. */
function stdoutIsTTY(): boolean {
  try {
    if (!fstatSync(1).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.stdout.isTTY === true;
}

declare const __ZENML_API_ROOT_HELP__: string | undefined;

export async function runFast(argv: string[]): Promise<boolean> {
  const { args, noColor } = normalizeArgs(argv.slice(2));
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    await write(`${VERSION}\n`);
    return true;
  }
  // The root help, rendered at build time by the same program at 80 columns; a terminal narrower
  // than that gets commander's own rendering.
  const wantsHelp = args.length === 0 || (args.length === 1 && (args[0] === '--help' || args[0] === '-h'));
  if (wantsHelp && typeof __ZENML_API_ROOT_HELP__ === 'string') {
    if (stdoutIsTTY() && (process.stdout.columns ?? 80) < 80) return false;
    await write(__ZENML_API_ROOT_HELP__);
    return true;
  }
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
