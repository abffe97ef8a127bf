/**
 * The commander-free parser (cli-args.ts fastParse) against commander itself, for every command
 * with a fast path: wherever the fast parser answers, commander (with the real definitions,
 * registered from the same specs) must give the same positional arguments and the same
 * options; where commander fails, the fast parser must have declined. Hand-written shapes plus a
 * seeded random corpus built from each flag list. (`call` has its own corpus: call-args.test.ts.)
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { fastParse } from '../../src/cli-args.js';
import { registerCommands } from '../../src/commands/index.js';
import type { Ctx } from '../../src/commands/context.js';
import { commanderInput, specOf, type CommandSpec, type Input } from '../../src/commands/options.js';
import { CALL_COMMAND } from '../../src/commands/call/spec.js';
import { CURRENT_USER_COMMAND } from '../../src/commands/current-user/spec.js';
import { ENDPOINTS_COMMAND } from '../../src/commands/endpoints/spec.js';
import { STATUS_COMMAND } from '../../src/commands/status/spec.js';
import { TOKEN_COMMAND } from '../../src/commands/token/spec.js';

type Parsed = Input<CommandSpec> | 'error' | 'help' | 'other';

async function viaCommander(args: string[], spec: CommandSpec): Promise<Parsed> {
  const program = new Command('zenml-api').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  registerCommands(program, {} as Ctx);
  let result: Parsed = 'other';
  const capture = (cmd: Command) => {
    cmd.exitOverride();
    // The same conversion as the actions defineCommand registers.
    cmd.action(() => {
      result = specOf(cmd) === spec ? commanderInput(spec, cmd) : 'other';
    });
    for (const sub of cmd.commands) capture(sub);
  };
  for (const c of program.commands) capture(c);
  try {
    await program.parseAsync(['node', 'zenml-api', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 'help' : 'error';
  }
  return result;
}

async function agree(spec: CommandSpec, args: string[]): Promise<'fast' | 'declined'> {
  const fast = fastParse(spec, args);
  const slow = await viaCommander(args, spec);
  if (fast === null) return 'declined';
  expect([args, slow]).toEqual([args, fast]);
  return 'fast';
}

const SPECS: Array<[CommandSpec, string[][], string[][]]> = [
  [TOKEN_COMMAND, [['token'], ['token', '--json', '--profile', 'p'], ['token', '--expires-in', '60', '--timeout', '5', '--verbose', '--no-verify-ssl'], ['token', '--jq', '.token']], [['token', 'x'], ['token', '--'], ['token', '-h']]],
  [CURRENT_USER_COMMAND, [['current-user'], ['current-user', '--json', '--profile=a', '--profile', 'b']], [['current-user', 'x'], ['current-user', '--help']]],
  [STATUS_COMMAND, [['status'], ['status', '--json', '--check'], ['status', '--timeout', '5', '--verbose', '--no-verify-ssl'], ['status', '--jq', '.[].name']], [['status', 'x'], ['status', '--help'], ['status', '--profile', 'p']]],
  [ENDPOINTS_COMMAND, [['endpoints'], ['endpoints', 'service_*', '-X', 'GET', '--tag', 'pipelines', '--json'], ['endpoints', '--refresh', '--profile', 'p']], [['endpoints', 'describe', 'GET', 'x'], ['endpoints', 'help'], ['endpoints', 'a', 'b']]],
];

describe('fast parser = commander', () => {
  for (const [spec, shapes, declined] of SPECS) {
    it(`${spec.name}: plain shapes parse exactly as commander does; others are declined`, async () => {
      for (const s of shapes) expect([s, await agree(spec, s)]).toEqual([s, 'fast']);
      for (const s of declined) expect([s, fastParse(spec, s)]).toEqual([s, null]);
    });

    it(`${spec.name}: agrees with commander on 300 seeded random argument lists`, async () => {
      let seed = 7;
      const r = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const names = spec.flags.flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
      const words = ['x', 'GET', 'describe', '-', 'a=b', '--', '-z', '--nope', 'x y', '', '.name'];
      let fast = 0;
      for (let n = 0; n < 300; n++) {
        const args = [spec.name];
        const len = Math.floor(r() * 6);
        for (let k = 0; k < len; k++) {
          const t = r();
          if (t < 0.5) args.push(pick(names));
          else if (t < 0.6) args.push(`${pick(names.filter((x) => x.startsWith('--')))}=${pick(words)}`);
          else args.push(pick(words));
        }
        if ((await agree(spec, args)) === 'fast') fast += 1;
      }
      expect(fast).toBeGreaterThan(20);
    });
  }

  it('call is in the table too', () => expect(fastParse(CALL_COMMAND, ['call', 'info'])).toEqual({ args: { methodOrPath: 'info' }, opts: { verifySsl: true } }));
});
