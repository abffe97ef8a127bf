import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;

/** `$ZENML_API_CONFIG_DIR`, else `$XDG_CONFIG_HOME/zenml-api`, else `~/.config/zenml-api`. */
export function configDir(env: Env = process.env): string {
  if (env.ZENML_API_CONFIG_DIR) return resolve(env.ZENML_API_CONFIG_DIR);
  if (env.XDG_CONFIG_HOME) return join(resolve(env.XDG_CONFIG_HOME), 'zenml-api');
  return join(homedir(), '.config', 'zenml-api');
}

export const CONFIG_FILE = 'config.json';
export const CREDENTIALS_FILE = 'credentials.json';
export const STORE_LOCK = 'store.lock';
