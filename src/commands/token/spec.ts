/** The flags of `token`, as data: index.ts registers them, cli-args.ts parses them without commander. */
import { jsonFlags, NETWORK_FLAGS, PROFILE_FLAG, type FlagSpec, type OptionsOf } from '../options.js';

export const TOKEN_FLAGS = [
  { long: 'expires-in', arg: 'seconds', key: 'expiresIn', kind: 'value', description: 'mint a new short-lived token through /api/v1/api_token' },
  ...jsonFlags('print token, expiry, profile and server as JSON'),
  PROFILE_FLAG,
  ...NETWORK_FLAGS,
] as const satisfies readonly FlagSpec[];

export type TokenOptions = OptionsOf<typeof TOKEN_FLAGS>;
