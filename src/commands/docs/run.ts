import { spawn } from 'node:child_process';
import { AuthError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { DocsOptions } from './spec.js';
import { activeProfile } from '../session.js';

type Options = DocsOptions;

/** The command that opens a URL in the default browser, by platform. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): { file: string; args: string[] } {
  if (platform === 'darwin') return { file: 'open', args: [url] };
  // `start` is a cmd.exe built-in; its first quoted argument is a window title, hence the "".
  if (platform === 'win32') return { file: 'cmd', args: ['/d', '/s', '/c', 'start', '""', url.replace(/[&^|<>]/g, '^$&')] };
  return { file: 'xdg-open', args: [url] };
}

/** Starts the browser detached; resolves with an error message when it could not be started. */
function openBrowser(url: string): Promise<string | null> {
  const { file, args } = browserCommand(url);
  return new Promise((resolve) => {
    try {
      const child = spawn(file, args, { detached: true, stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: process.platform === 'win32' });
      child.once('error', (e: NodeJS.ErrnoException) => resolve(`cannot run ${file}: ${e.code ?? e.message}`));
      child.once('spawn', () => {
        child.unref();
        resolve(null);
      });
    } catch (e) {
      resolve(`cannot run ${file}: ${(e as Error).message}`);
    }
  });
}

export async function run(_args: NoArgs, opts: Options, ctx: Ctx): Promise<void> {
  const profile = activeProfile(ctx, opts);
  const server = profile.settings.server;
  if (!server) throw new AuthError(`profile "${profile.name}" has no ZenML server`, { hint: 'Run `zenml-api login SERVER_URL`.' });
  const url = `${server}/${opts.redoc ? 'redoc' : 'docs'}`;
  if (opts.json) printJson(ctx.io, { url });
  else ctx.io.out(`${url}\n`);
  if (!opts.web) return;
  if (!ctx.io.stdoutIsTTY || !ctx.io.stdinIsTTY) {
    ctx.warn('note: not on a terminal, so no browser was opened; open the URL above');
    return;
  }
  const failed = await openBrowser(url);
  if (failed) ctx.warn(`note: ${failed}; open the URL above yourself`);
}
