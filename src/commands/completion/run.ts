import type { Command } from 'commander';
import { configDir } from '../../auth/paths.js';
import { resolveProfile } from '../../auth/resolve.js';
import { readCachedIndex } from '../../discovery/cache.js';
import type { ApiIndex } from '../../discovery/openapi.js';
import type { Ctx } from '../context.js';
import type { Run } from '../options.js';
import { complete, formatCandidates, type CompletionSources } from './complete.js';
import { script } from './scripts.js';
import type { COMPLETE_COMMAND, COMPLETION_COMMAND } from './spec.js';

/** The shell is one of the spec's choices: commander and the conversion to typed arguments check it. */
export const printScript: Run<typeof COMPLETION_COMMAND> = async (args, _opts, ctx) => {
  ctx.io.out(script(args.shell));
};

/** Profiles and cached indexes, read from the config folder; any problem means "nothing to offer". */
function sources(ctx: Ctx): CompletionSources {
  const dir = configDir(ctx.env);
  const config = () => {
    try {
      return ctx.store().profiles.read();
    } catch {
      return undefined;
    }
  };
  return {
    profiles: () => Object.keys(config()?.profiles ?? {}).sort(),
    index: (flag): ApiIndex | undefined => {
      try {
        const cfg = config();
        if (!cfg) return undefined;
        const server = resolveProfile(cfg, { flag, env: ctx.env }).settings.server;
        return server ? readCachedIndex(dir, server) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** `__complete -- WORD… CURRENT`: candidates for CURRENT, one a line. */
export function completeFor(program: Command): Run<typeof COMPLETE_COMMAND> {
  return async (args, _opts, ctx) => {
    let out = '';
    try {
      out = formatCandidates(complete(program, args.words, sources(ctx)));
    } catch {
      /* completion never prints errors into the user's command line */
    }
    ctx.io.out(out);
  };
}
