import { join, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;

/** `$ZENML_API_CONFIG_DIR`, else `$XDG_CONFIG_HOME/zenml-api`, else `~/.config/zenml-api`. */
export function configDir(env: Env = process.env): string {
  if (env.ZENML_API_CONFIG_DIR) return resolve(env.ZENML_API_CONFIG_DIR);
  if (env.XDG_CONFIG_HOME) return join(resolve(env.XDG_CONFIG_HOME), 'zenml-api');
  return join(homeDir(env), '.config', 'zenml-api');
}

/**
 * The user's home folder. On POSIX os.homedir() is $HOME when it is set, so HOME is read first
 * and node:os (one module more at start-up) only loaded without it; Windows asks the OS.
 */
export function homeDir(env: Env = process.env): string {
  if (process.platform !== 'win32' && env.HOME) return env.HOME;
  return process.getBuiltinModule('node:os').homedir();
}

export const CONFIG_FILE = 'config.json';
export const CREDENTIALS_FILE = 'credentials.json';
export const STORE_LOCK = 'store.lock';
