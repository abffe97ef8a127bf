/** `api-key …` as data: index.ts registers them, run.ts gets their types. */
import type { ArgSpec, CommandArgs, CommandOptions, CommandSpec, FlagSpec } from '../options.js';
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

const SA = { key: 'serviceAccount', kind: 'required', description: "the service account's name or id" } as const satisfies ArgSpec;
const SA_KEY = [SA, { key: 'key', kind: 'required', description: "the API key's name or id" }] as const satisfies readonly ArgSpec[];

export const KEY_CREATE = { name: 'create', args: [SA, { key: 'name', kind: 'required', description: "the new key's name" }], flags: KEY_CREATE_FLAGS } as const satisfies CommandSpec;
export const KEY_LIST = { name: 'list', args: [SA], flags: KEY_LIST_FLAGS } as const satisfies CommandSpec;
export const KEY_DESCRIBE = { name: 'describe', args: SA_KEY, flags: KEY_DESCRIBE_FLAGS } as const satisfies CommandSpec;
export const KEY_ACTIVATE = { name: 'activate', args: SA_KEY, flags: KEY_ACTIVATE_FLAGS } as const satisfies CommandSpec;
export const KEY_DEACTIVATE = { ...KEY_ACTIVATE, name: 'deactivate' } as const satisfies CommandSpec;
export const KEY_DELETE = { name: 'delete', args: SA_KEY, flags: KEY_DELETE_FLAGS } as const satisfies CommandSpec;
export const KEY_ROTATE = { name: 'rotate', args: SA_KEY, flags: KEY_ROTATE_FLAGS } as const satisfies CommandSpec;

export type KeyCreateArgs = CommandArgs<typeof KEY_CREATE>;
export type KeyListArgs = CommandArgs<typeof KEY_LIST>;
export type KeyArgs = CommandArgs<typeof KEY_DESCRIBE>;
export type KeyCreateOptions = CommandOptions<typeof KEY_CREATE>;
export type KeyRequestOptions = CommandOptions<typeof KEY_LIST>;
export type KeyDeleteOptions = CommandOptions<typeof KEY_DELETE>;
export type KeyRotateOptions = CommandOptions<typeof KEY_ROTATE>;
