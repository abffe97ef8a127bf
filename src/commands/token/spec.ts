/** `token` as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const TOKEN_FLAGS = [
  { long: 'expires-in', arg: 'seconds', key: 'expiresIn', kind: 'value', description: 'mint a new short-lived token through /api/v1/api_token' },
  ...jsonFlags('print token, expiry, profile and server as JSON'),
  PROFILE_FLAG,
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export const TOKEN_COMMAND = { name: 'token', args: [], flags: TOKEN_FLAGS } as const satisfies CommandSpec;

export type TokenOptions = CommandOptions<typeof TOKEN_COMMAND>;
