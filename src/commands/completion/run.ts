import type { Command } from 'commander';
import { configDir } from '../../auth/paths.js';
import { resolveProfile } from '../../auth/resolve.js';
import { readCachedIndex } from '../../discovery/cache.js';
import type { ApiIndex } from '../../discovery/openapi.js';
import { UsageError } from '../../errors.js';
import type { CommonOptions, Ctx } from '../context.js';
import { complete, formatCandidates, SHELLS, type CompletionSources } from './complete.js';
import { script, type Shell } from './scripts.js';

export async function printScript(args: string[], _opts: CommonOptions, ctx: Ctx): Promise<void> {
  const shell = args[0] as Shell;
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unknown shell ${JSON.stringify(String(shell).slice(0, 20))}; use bash, zsh or fish`);
  ctx.io.out(script(shell));
}

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
export function completeFor(program: Command) {
  return async (args: string[], _opts: CommonOptions, ctx: Ctx): Promise<void> => {
    let out = '';
    try {
      out = formatCandidates(complete(program, args, sources(ctx)));
    } catch {
      /* completion never prints errors into the user's command line */
    }
    ctx.io.out(out);
  };
}
