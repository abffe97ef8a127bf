/**
 * What bin/zenml-api.js runs (dist/main.cjs, a few kilobytes): it decides which bundle answers,
 * so that a command loads only the code it needs. `--version`, `--help` and `help exit-codes` are
 * answered here; `token` goes to dist/fast.cjs first, which prints a valid stored token without
 * the full CLI; everything else, and whatever the fast path declines, to dist/cli.cjs. Both are
 * loaded with their compiled code kept between runs (load-bundle.ts).
 *
 * CommonJS on purpose: Node's ES module loader costs more than this whole path.
 */
import { normalizeArgs } from './argv.js';
import { directAnswer } from './direct.js';
import { loadBundle } from './load-bundle.js';
import { fdIsTTY, writeFd } from './output/io.js';

/** The root help as the program renders it at 80 columns, put in by the build (scripts/build.mjs). */
declare const __ZENML_API_ROOT_HELP__: string;
/** The program's top-level commands, put in by the build from its completion. */
declare const __ZENML_API_COMMANDS__: readonly string[];

export function start(argv: string[]): void {
  const normalized = normalizeArgs(argv.slice(2));
  const { args } = normalized;
  const direct = directAnswer(args);
  if (direct !== null) {
    void writeFd(1, direct);
    return;
  }
  // A terminal narrower than 80 columns gets commander's own rendering.
  const wantsHelp = args.length === 0 || (args.length === 1 && (args[0] === '--help' || args[0] === '-h'));
  if (wantsHelp && !(fdIsTTY(1) && (process.stdout.columns ?? 80) < 80)) {
    void writeFd(1, __ZENML_API_ROOT_HELP__);
    return;
  }
  if (args[0] === 'token') {
    (loadBundle('fast', 'token') as typeof import('./fast.js')).runFast(normalized).then((handled) => handled || full(args));
    return;
  }
  full(args);
}

function full(args: string[]): void {
  // The kept compiled code remembers which commands it has seen: by name, never other words.
  const command = args[0] !== undefined && __ZENML_API_COMMANDS__.includes(args[0]) ? args[0] : '';
  loadBundle('cli', command);
}
