/**
 * What the tool answers from its arguments alone, without state: `--version` and
 * `help exit-codes`. The launcher (main.ts) prints these before loading any command code; the
 * full CLI (cli.ts) gives the same answer when it is run directly.
 */
import { EXIT_CODES_HELP } from './exit-codes.js';
import { VERSION } from './version.js';

export function directAnswer(args: readonly string[]): string | null {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) return `${VERSION}\n`;
  if (args.length === 2 && args[0] === 'help' && args[1] === 'exit-codes') return EXIT_CODES_HELP;
  return null;
}
