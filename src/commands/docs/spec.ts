/** `docs` as data: index.ts registers them, run.ts gets their types. */
import { jsonFlags, PROFILE_FLAG, type CommandOptions, type CommandSpec, type FlagSpec } from '../options.js';

export const DOCS_FLAGS = [
  { long: 'redoc', key: 'redoc', kind: 'bool', description: 'the ReDoc page (/redoc) instead of Swagger UI (/docs)' },
  { long: 'web', key: 'web', kind: 'bool', description: 'also open the page in the default browser (on a terminal only)' },
  ...jsonFlags('print {"url": …}'),
  PROFILE_FLAG,
] as const satisfies readonly FlagSpec[];

export const DOCS_COMMAND = { name: 'docs', args: [], flags: DOCS_FLAGS } as const satisfies CommandSpec;

export type DocsOptions = CommandOptions<typeof DOCS_COMMAND>;
