/**
 * A module of its own, with no imports: the launcher (main.ts) runs it before it knows which
 * bundle to load.
 *
 * The flags a user may give before the command, as with kubectl and aws: `zenml-api --profile
 * admin token`. Each command still declares the ones it takes; these are moved behind the command
 * words so that every parser (fast.ts, the hand parsers in cli.ts, commander) sees them where the
 * command expects them, and a command that lacks one rejects it as it would after the command.
 */
const GLOBAL_FLAGS: ReadonlyMap<string, { value: boolean }> = new Map([
  ['--profile', { value: true }],
  ['--timeout', { value: true }],
  ['--jq', { value: true }],
  ['--verbose', { value: false }],
  ['--no-verify-ssl', { value: false }],
  ['--json', { value: false }],
]);

/** The commands that pass their arguments through (cli-args.ts PASS_THROUGH has their specs). */
export const PASS_THROUGH_NAMES: readonly string[] = ['exec'];

/** `--no-color` works with every command, anywhere before `--`: it is taken out here. */
export const NO_COLOR_FLAG = '--no-color';

export interface NormalizedArgs {
  args: string[];
  noColor: boolean;
}

/** Takes out `--no-color` and moves the global flags found before the command to after it. */
export function normalizeArgs(raw: string[]): NormalizedArgs {
  const dd = raw.indexOf('--');
  const head = dd < 0 ? raw : raw.slice(0, dd);
  const noColor = head.includes(NO_COLOR_FLAG);
  const args = noColor ? [...head.filter((a) => a !== NO_COLOR_FLAG), ...(dd < 0 ? [] : raw.slice(dd))] : raw;
  const front: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const g = GLOBAL_FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    if (!g) break;
    if (g.value && eq < 0) {
      if (i + 1 >= args.length) break;
      front.push(a, args[i + 1]!);
      i += 2;
    } else {
      if (!g.value && eq > 0) break;
      front.push(a);
      i += 1;
    }
  }
  const rest = args.slice(i);
  // Nothing to move behind (`zenml-api --profile x`, `--json --help`): commander says what is wrong.
  if (front.length === 0 || rest.length === 0 || rest[0]!.startsWith('-')) return { args, noColor };
  // A command that passes its arguments through takes its own flags before them: `exec --profile x python …`.
  if (PASS_THROUGH_NAMES.includes(rest[0]!)) return { args: [rest[0]!, ...front, ...rest.slice(1)], noColor };
  const end = rest.indexOf('--');
  return { args: end < 0 ? [...rest, ...front] : [...rest.slice(0, end), ...front, ...rest.slice(end)], noColor };
}
