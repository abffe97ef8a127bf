/**
 * The flags of `call`, as data: index.ts registers them with commander, args.ts parses the plain
 * shapes of them without commander (see there).
 */
import { DEFAULT_CONCURRENCY } from '../../api/paginate.js';
import { JQ_FLAG, NETWORK_FLAGS, PROFILE_FLAG, type CommandArgs, type CommandOptions, type CommandSpec, type FieldArg, type FlagSpec } from '../options.js';

export type { FieldArg };

export const CALL_FLAGS = [
  { short: 'X', long: 'method', arg: 'method', key: 'method', kind: 'value', description: 'the HTTP method' },
  { short: 'q', long: 'query', arg: 'key=value', key: 'query', kind: 'list', description: 'add a query parameter (repeatable); ZenML filters like name=contains:foo pass as they are' },
  { short: 'f', long: 'field', arg: 'key=value', key: 'field', kind: 'field', typed: false, description: 'add a string field to the JSON body (repeatable); nested keys: a[b]=c, a[]=x' },
  { short: 'F', long: 'typed-field', arg: 'key=value', key: 'typedField', kind: 'field', typed: true, description: 'add a typed field: true, false, null, numbers, [..] or {..} JSON, @file, @- (stdin)' },
  { long: 'input', arg: 'file', key: 'input', kind: 'value', description: "the raw request body from a file, or '-' for stdin" },
  { short: 'H', long: 'header', arg: 'line', key: 'header', kind: 'list', description: "add a header, 'Name: value' (repeatable); an Authorization header replaces the token" },
  { long: 'form', key: 'form', kind: 'bool', description: 'send fields as application/x-www-form-urlencoded instead of JSON' },
  { short: 'i', long: 'include', key: 'include', kind: 'bool', description: 'print the status line and response headers before the body' },
  { long: 'silent', key: 'silent', kind: 'bool', description: 'print nothing on success' },
  { long: 'paginate', key: 'paginate', kind: 'bool', description: 'fetch every page of a ZenML list and print all items' },
  { long: 'concurrency', arg: 'n', key: 'concurrency', kind: 'value', description: `pages fetched at once with --paginate (default ${DEFAULT_CONCURRENCY})` as const },
  { long: 'jsonl', key: 'jsonl', kind: 'bool', description: 'with --paginate: one item per line instead of one JSON array' },
  { long: 'pro', key: 'pro', kind: 'bool', description: 'send the request to the ZenML Pro management API' },
] as const satisfies readonly FlagSpec[];

/** Every flag `call` accepts, in the order of its help. */
export const ALL_CALL_FLAGS = [...CALL_FLAGS, JQ_FLAG, PROFILE_FLAG, ...NETWORK_FLAGS] as const satisfies readonly FlagSpec[];

export const CALL_COMMAND = {
  name: 'call',
  args: [
    { key: 'methodOrPath', kind: 'required', description: "METHOD (GET by default; POST when fields or --input are given), then PATH: '/api/v1/…', a path relative to /api/v1 ('pipelines'), or a URL on the profile's server" },
    { key: 'path', kind: 'optional', description: 'PATH, when METHOD came first: call POST service_accounts' },
  ],
  flags: ALL_CALL_FLAGS,
} as const satisfies CommandSpec;

export type CallArgs = CommandArgs<typeof CALL_COMMAND>;
/** -f and -F fill both keys with one list, in argv order (options.ts registerFlags). */
export type CallOptions = CommandOptions<typeof CALL_COMMAND>;
