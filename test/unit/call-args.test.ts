/**
 * The commander-free parser of `call` against commander itself: for every argument list where the
 * fast parser answers, commander (with the real `call` definition) must produce the same
 * positional arguments and the same options object; where commander fails, the fast parser must
 * have declined. Hand-written shapes plus a seeded random corpus built from the flag list.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { fastCallArgs } from '../../src/commands/call/args.js';
import { register } from '../../src/commands/call/index.js';
import { ALL_CALL_FLAGS, CALL_COMMAND } from '../../src/commands/call/spec.js';
import type { Ctx } from '../../src/commands/context.js';
import { commanderInput, type FlagSpec, type Input } from '../../src/commands/options.js';

type Parsed = Input<typeof CALL_COMMAND> | 'error' | 'help';

async function viaCommander(args: string[]): Promise<Parsed> {
  const program = new Command('zenml-api').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  register(program, {} as Ctx);
  const call = program.commands.find((c) => c.name() === 'call')!;
  let result: Parsed = 'error';
  // The same conversion as the actions defineCommand registers.
  call.action(() => {
    result = commanderInput(CALL_COMMAND, call);
  });
  try {
    await program.parseAsync(['node', 'zenml-api', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return e.code === 'commander.helpDisplayed' ? 'help' : 'error';
  }
  return result;
}

async function agree(args: string[]): Promise<'fast' | 'declined'> {
  const fast = fastCallArgs(args);
  const slow = await viaCommander(args);
  if (fast === null) return 'declined';
  expect([args, slow]).toEqual([args, fast]);
  return 'fast';
}

describe('call without commander', () => {
  it('parses the plain shapes exactly as commander does', async () => {
    const shapes = [
      ['call', 'pipelines'],
      ['call', 'GET', '/api/v1/pipelines', '-q', 'size=5', '-q', 'name=contains:x'],
      ['call', 'pipelines', '--paginate', '--jsonl', '--concurrency', '2'],
      ['call', 'POST', 'service_accounts', '-f', 'name=ci', '-F', 'active=true', '-f', 'a[b]=c'],
      ['call', 'service_accounts', '-F', 'x=@-', '--input', '-'],
      ['call', 'pipelines', '--query=size=3', '--header=X-A: b', '-H', 'X-B: c'],
      ['call', 'info', '--profile', 'prod', '--timeout', '5', '--no-verify-ssl', '--verbose'],
      ['call', '-X', 'DELETE', 'pipelines/1', '-i', '--silent'],
      ['call', '--pro', '/users/me'],
      ['call', 'pipelines', '--form', '-f', 'a=1', '-f', 'a=2'],
      ['call', 'info', '--profile=a', '--profile', 'b'],
      ['call', 'PUT', 'x', '-F', 'k=[1,2]'],
    ];
    for (const s of shapes) expect([s, await agree(s)]).toEqual([s, 'fast']);
  });

  it('declines what only commander should answer', async () => {
    const declined = [
      ['call'],
      ['call', 'a', 'b', 'c'],
      ['call', 'pipelines', '--help'],
      ['call', '-h'],
      ['call', 'pipelines', '--paginte'],
      ['call', 'pipelines', '-q'],
      ['call', 'pipelines', '-q', '-x'],
      ['call', 'pipelines', '--', '-q'],
      ['call', 'pipelines', '-iq', 'a=b'],
      ['call', 'pipelines', '-qa=b'],
      ['call', 'pipelines', '--paginate=yes'],
      ['pipelines'],
    ];
    for (const s of declined) expect([s, fastCallArgs(s)]).toEqual([s, null]);
  });

  it('agrees with commander on 600 seeded random argument lists', async () => {
    let seed = 42;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
    const names = (ALL_CALL_FLAGS as readonly FlagSpec[]).flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
    const words = ['pipelines', 'GET', 'POST', '/api/v1/info', '-', 'a=b', 'k=@-', '--', '-z', '--nope', 'x y', ''];
    let fast = 0;
    for (let n = 0; n < 600; n++) {
      const args = ['call'];
      const len = Math.floor(r() * 7);
      for (let k = 0; k < len; k++) {
        const t = r();
        if (t < 0.45) args.push(pick(names));
        else if (t < 0.55) args.push(`${pick(names.filter((x) => x.startsWith('--')))}=${pick(words)}`);
        else args.push(pick(words));
      }
      if ((await agree(args)) === 'fast') fast += 1;
    }
    // The corpus exercised the fast path, not only the declines.
    expect(fast).toBeGreaterThan(60);
  });
});
