/** The flags of `api-key …`, as data: index.ts registers them, run.ts gets their types. */
import { type FlagSpec, type OptionsOf } from '../options.js';
import { requestFlags, YES_FLAG } from '../service-account/spec.js';

const OUTPUT_FILE = { long: 'output-file', arg: 'file', key: 'outputFile', kind: 'value', description: 'write the key to this new file (mode 0600) instead of stdout' } as const satisfies FlagSpec;
const OUTPUT_FILE_NEW = { ...OUTPUT_FILE, description: 'write the new key to this new file (mode 0600) instead of stdout' } as const satisfies FlagSpec;
const FORCE = { long: 'force', key: 'force', kind: 'bool', description: 'replace an existing --output-file' } as const satisfies FlagSpec;

export const KEY_CREATE_FLAGS = [
  { long: 'description', arg: 'text', key: 'description', kind: 'value', description: 'what the key is for' },
  OUTPUT_FILE,
  FORCE,
  ...requestFlags('print the key object as JSON (the key is in api_key.body.key unless it went to --output-file)'),
] as const satisfies readonly FlagSpec[];
export const KEY_LIST_FLAGS = requestFlags('print the keys as a JSON array (never their values)');
export const KEY_DESCRIBE_FLAGS = requestFlags("print the server's response body");
export const KEY_ACTIVATE_FLAGS = requestFlags('print the updated key as JSON');
export const KEY_DELETE_FLAGS = [YES_FLAG, ...requestFlags("print the deleted key's id and name as JSON")] as const satisfies readonly FlagSpec[];
export const KEY_ROTATE_FLAGS = [
  { long: 'retain', arg: 'minutes', key: 'retain', kind: 'value', description: 'keep the old value working this long (default 0: it stops working at once)' },
  OUTPUT_FILE_NEW,
  FORCE,
  ...requestFlags('print the key object (new value in api_key.body.key unless it went to --output-file) and the profiles updated, as JSON'),
] as const satisfies readonly FlagSpec[];

export type KeyCreateOptions = OptionsOf<typeof KEY_CREATE_FLAGS>;
export type KeyRequestOptions = OptionsOf<typeof KEY_LIST_FLAGS>;
export type KeyDeleteOptions = OptionsOf<typeof KEY_DELETE_FLAGS>;
export type KeyRotateOptions = OptionsOf<typeof KEY_ROTATE_FLAGS>;
