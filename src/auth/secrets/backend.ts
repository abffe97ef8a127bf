import { StoreError } from '../../errors.js';

/** One secret per entry; `account` is `<profile>/<secret name>`. */
export interface SecretBackend {
  readonly kind: 'keychain' | 'file' | 'memory';
  /** Where the secrets are, for messages: "the OS keychain" or the file's path. */
  readonly location: string;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/** The keychain cannot be used: no D-Bus, no Secret Service, locked, timed out. */
export class KeychainUnavailableError extends StoreError {}

/** A keychain call missed its deadline (asking again would wait as long again). */
export class KeychainTimeoutError extends KeychainUnavailableError {}
