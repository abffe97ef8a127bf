/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and on
 * Linux always the Secret Service (never the kernel keyring, which forgets on reboot).
 *
 * Every call runs under a deadline. The binding's calls run on libuv's thread pool and cannot be
 * cancelled: a locked keyring with a display attached waits forever for its unlock prompt. When a
 * call misses its deadline we report the keychain as unavailable and remember that a thread is
 * stuck, so that the CLI can end the process without waiting for it (see `keychainStuck`).
 */
import { KeychainTimeoutError, KeychainUnavailableError, type SecretBackend } from './backend.js';
import { nodeRequire } from './node-require.js';
import { pingSecretService, readSecret, SecretServiceTimeout } from './secret-service.js';

export const KEYCHAIN_SERVICE = 'zenml-api';

interface AsyncEntryLike {
  getPassword(): Promise<string | null>;
  setPassword(value: string): Promise<void>;
  deleteCredential(): Promise<boolean>;
}
interface Binding {
  AsyncEntry: new (service: string, account: string, options?: { linux?: { store: string } }) => AsyncEntryLike;
}

let binding: Binding | undefined;
let stuck = false;

/** True when a keychain call missed its deadline and its thread may never return. */
export function keychainStuck(): boolean {
  return stuck;
}

function loadBinding(): Binding {
  if (binding) return binding;
  const req = nodeRequire();
  const { platform, arch } = process;
  // Load the platform package directly: the generic loader probes the C library on each start.
  const candidates =
    platform === 'linux'
      ? [`@napi-rs/keyring-linux-${arch}-gnu`, `@napi-rs/keyring-linux-${arch}-musl`]
      : platform === 'darwin'
        ? [`@napi-rs/keyring-darwin-${arch}`, '@napi-rs/keyring-darwin-universal']
        : platform === 'win32'
          ? [`@napi-rs/keyring-win32-${arch}-msvc`]
          : [];
  for (const name of [...candidates, '@napi-rs/keyring']) {
    try {
      binding = req(name) as Binding;
      return binding;
    } catch {
      /* try the next */
    }
  }
  throw new KeychainUnavailableError(`no keychain support for ${platform}-${arch} (the @napi-rs/keyring binary is missing)`);
}

function describe(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|No such file/i.test(m)) return 'no D-Bus session bus';
  if (/ServiceUnknown|was not provided by any \.service|org\.freedesktop\.secrets/i.test(m)) return 'no Secret Service on the session bus';
  if (/unlock prompt/i.test(m)) return 'the keyring is locked and its unlock prompt was dismissed';
  if (/locked/i.test(m)) return 'the keyring is locked';
  if (/default collection|NoSuchObject|no such collection/i.test(m)) return 'the keyring has no default collection';
  if (/prompt|dismissed/i.test(m)) return 'the keyring asked for a prompt that was dismissed';
  return m.split('\n')[0]!.slice(0, 200);
}

export interface KeychainOptions {
  /** Deadline per call in ms. */
  timeoutMs: number;
  /** `ZENML_API_KEYCHAIN_DBUS=0` turns off the direct D-Bus reads and the ping before writes on Linux (secret-service.ts). */
  env?: NodeJS.ProcessEnv;
}

export class KeychainBackend implements SecretBackend {
  readonly kind = 'keychain' as const;
  readonly location = 'the OS keychain';
  private readonly timeoutMs: number;
  /** The environment to find the session bus in, when the D-Bus paths are on (Linux, not turned off). */
  private readonly busEnv: NodeJS.ProcessEnv | undefined;
  private answered = false;

  constructor(opts: KeychainOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.busEnv = process.platform === 'linux' && opts.env && opts.env.ZENML_API_KEYCHAIN_DBUS !== '0' ? opts.env : undefined;
  }

  private entry(account: string): AsyncEntryLike {
    const b = loadBinding();
    try {
      return process.platform === 'linux'
        ? new b.AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: 'secret-service' } })
        : new b.AsyncEntry(KEYCHAIN_SERVICE, account);
    } catch (e) {
      throw new KeychainUnavailableError(`the OS keychain is unavailable: ${describe(e)}`, { cause: e });
    }
  }

  private async deadline<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stuck = true;
        reject(this.timedOut(what));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } catch (e) {
      if (e instanceof KeychainUnavailableError) throw e;
      throw new KeychainUnavailableError(`the OS keychain is unavailable: ${describe(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  async get(account: string): Promise<string | null> {
    // On Linux, read over D-Bus first, under a deadline that really stops it (the binding's
    // constructor can block the process on a silent bus; see secret-service.ts). When that reader
    // cannot tell (locked, ambiguous, no bus…) the binding answers.
    if (this.busEnv) {
      const found = await this.onBus('read', (bus) => readSecret({ service: KEYCHAIN_SERVICE, username: account }, bus));
      if (found !== undefined) return found;
    }
    return this.deadline('read', this.entry(account).getPassword());
  }

  private timedOut(what: string): KeychainTimeoutError {
    return new KeychainTimeoutError(`the OS keychain did not answer within ${this.timeoutMs} ms (${what}); is it locked?`);
  }

  /** A D-Bus call of secret-service.ts, its deadline reported like the binding's. */
  private async onBus<T>(what: string, call: (bus: { env: NodeJS.ProcessEnv; timeoutMs: number }) => Promise<T>): Promise<T> {
    try {
      return await call({ env: this.busEnv!, timeoutMs: this.timeoutMs });
    } catch (e) {
      if (e instanceof SecretServiceTimeout) throw this.timedOut(what);
      throw e;
    }
  }

  /**
   * Before a call into the binding: a bus that never answers would block the process in it. Once
   * the service has answered, later writes of this process (logout removes several) skip the ping.
   */
  private async reachable(what: string): Promise<void> {
    if (!this.busEnv || this.answered) return;
    await this.onBus(what, pingSecretService);
    this.answered = true;
  }

  async set(account: string, value: string): Promise<void> {
    await this.reachable('write');
    await this.deadline('write', this.entry(account).setPassword(value));
  }

  async delete(account: string): Promise<boolean> {
    await this.reachable('delete');
    return this.deadline('delete', this.entry(account).deleteCredential());
  }
}
