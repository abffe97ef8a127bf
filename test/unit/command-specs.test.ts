/**
 * Every command's spec (its `spec.ts`) against the commander command it defined: the same
 * arguments and the same flags, and nothing registered by hand outside a spec. Then the one
 * conversion from a parser's output to run()'s typed input: a spec that says other than the
 * parser fails loudly. And the types run() gets, checked by `tsc --noEmit` (test files included).
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { PASS_THROUGH } from '../../src/cli-args.js';
import { PASS_THROUGH_NAMES } from '../../src/argv.js';
import type { Ctx } from '../../src/commands/context.js';
import {
  argString,
  defineCommand,
  flagString,
  inputOf,
  specOf,
  type CommandArgs,
  type CommandOptions,
  type CommandSpec,
  type FieldArg,
  type Run,
} from '../../src/commands/options.js';
import { CALL_COMMAND } from '../../src/commands/call/spec.js';
import { COMPLETION_COMMAND } from '../../src/commands/completion/spec.js';
import { DESCRIBE_COMMAND } from '../../src/commands/endpoints/spec.js';
import { EXEC_COMMAND } from '../../src/commands/exec/spec.js';
import { LOGIN_COMMAND } from '../../src/commands/login/spec.js';
import { TOKEN_COMMAND } from '../../src/commands/token/spec.js';
import { KEY_ROTATE } from '../../src/commands/api-key/spec.js';
import { buildProgram } from '../../src/program.js';

const quiet = { io: { out: () => undefined, err: () => undefined, stderr: { write: () => true } } } as unknown as Ctx;

function allCommands(cmd: Command, path: string[] = []): Array<[string, Command]> {
  return cmd.commands.flatMap((c) => {
    const p = [...path, c.name()];
    return [[p.join(' '), c] as [string, Command], ...allCommands(c, p)];
  });
}

const program = buildProgram(quiet);
const commands = allCommands(program);

describe('each command is its spec', () => {
  it('the tree has the commands this test expects to see', () => {
    const names = commands.map(([n]) => n);
    for (const n of ['login', 'token', 'call', 'exec', 'env', 'endpoints describe', 'pro users me', 'api-key rotate', 'profile show', '__complete']) expect(names).toContain(n);
  });

  for (const [name, cmd] of commands) {
    const spec = specOf(cmd);
    if (!spec) {
      it(`${name}: a group, with no arguments or flags of its own (none registered by hand)`, () => {
        expect(cmd.commands.length).toBeGreaterThan(0);
        expect(cmd.registeredArguments).toEqual([]);
        expect(cmd.options).toEqual([]);
      });
      continue;
    }
    it(`${name}: arguments and flags are exactly the spec's`, () => {
      expect(cmd.name()).toBe(spec.name);
      expect(
        cmd.registeredArguments.map((a) => ({ name: a.name(), required: a.required, variadic: a.variadic, description: a.description, choices: a.argChoices })),
      ).toEqual(
        spec.args.map((a) => ({
          name: argString(a).replace(/[<>[\].]/g, ''),
          required: a.kind === 'required' || a.kind === 'variadic',
          variadic: a.kind === 'variadic' || a.kind === 'rest',
          description: a.description,
          choices: a.choices ? [...a.choices] : undefined,
        })),
      );
      expect(cmd.options.map((o) => ({ flags: o.flags, key: o.attributeName(), negate: o.negate, description: o.description }))).toEqual(
        spec.flags.map((f) => ({ flags: flagString(f), key: f.key, negate: f.kind === 'negate', description: f.description })),
      );
      // The words the fast parser leaves to commander are the subcommands (and commander's `help`).
      if (cmd.commands.length > 0) expect(spec.subcommands).toEqual([...cmd.commands.map((c) => c.name()), 'help']);
      else expect(spec.subcommands).toBeUndefined();
      // A parent's flags reach a subcommand through optsWithGlobals: its spec must say so.
      const parentSpec = cmd.parent ? specOf(cmd.parent) : undefined;
      expect(spec.inherited).toBe(parentSpec?.flags);
    });
  }

  it('the commands whose arguments pass through are the ones normalizeArgs knows of', () => {
    expect(commands.map(([, c]) => specOf(c)).filter((s) => s?.passThrough)).toEqual([...PASS_THROUGH]);
    expect(PASS_THROUGH.map((s) => s.name)).toEqual([...PASS_THROUGH_NAMES]);
  });
});

describe('inputOf: the one conversion to typed input', () => {
  it('gives run() what the parser gave, by the spec', () => {
    expect(inputOf(LOGIN_COMMAND, ['https://zenml.example.com'], { force: true, switch: false })).toEqual({
      args: { serverUrl: 'https://zenml.example.com' },
      opts: { force: true, switch: false },
    });
    expect(inputOf(LOGIN_COMMAND, [undefined], {})).toEqual({ args: {}, opts: {} });
    expect(inputOf(EXEC_COMMAND, [['python', '-m', 'pytest']], { verbose: true })).toEqual({ args: { command: ['python', '-m', 'pytest'] }, opts: { verbose: true } });
    const fields: FieldArg[] = [{ typed: true, raw: 'a=1' }];
    expect(inputOf(CALL_COMMAND, ['POST', 'pipelines'], { typedField: fields, query: ['a=b'] }).opts).toEqual({ typedField: fields, query: ['a=b'] });
  });

  it('fails loudly where the spec and the parser disagree', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => inputOf(TOKEN_COMMAND, [], { nope: true }), /token: option nope is not in its spec/],
      [() => inputOf(TOKEN_COMMAND, [], { json: 'yes' }), /option json is not a bool value/],
      [() => inputOf(TOKEN_COMMAND, [], { expiresIn: 60 }), /option expiresIn is not a value value/],
      [() => inputOf(CALL_COMMAND, ['x'], { query: 'a=b' }), /option query is not a list value/],
      [() => inputOf(CALL_COMMAND, ['x'], { field: ['a=b'] }), /option field is not a field value/],
      [() => inputOf(TOKEN_COMMAND, ['x'], {}), /1 arguments given for 0/],
      [() => inputOf(CALL_COMMAND, [], {}), /argument methodOrPath is missing/],
      [() => inputOf(CALL_COMMAND, [['a']], {}), /argument methodOrPath is not a string/],
      [() => inputOf(EXEC_COMMAND, [[]], {}), /argument command is missing/],
      [() => inputOf(EXEC_COMMAND, ['python'], {}), /argument command is not a list of strings/],
      [() => inputOf(COMPLETION_COMMAND, ['tcsh'], {}), /argument shell is not one of its choices/],
    ];
    for (const [f, message] of cases) expect(f).toThrow(message);
  });

  it('a flag registered by hand beside a spec fails when the command runs, not silently', async () => {
    const root = new Command('t').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    const spec = { name: 'cmd', args: [], flags: [{ long: 'one', key: 'one', kind: 'bool', description: 'one' }] } as const satisfies CommandSpec;
    let ran = false;
    defineCommand(root, spec, quiet, async () => async () => void (ran = true)).option('--two', 'registered by hand');
    await root.parseAsync(['node', 't', 'cmd', '--one']);
    expect(ran).toBe(true);
    ran = false;
    await expect(root.parseAsync(['node', 't', 'cmd', '--two'])).rejects.toThrow(/cmd: option two is not in its spec/);
    expect(ran).toBe(false);
  });

  it('commander refuses a value outside an argument\'s choices before the conversion sees it', async () => {
    const root = new Command('t').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    defineCommand(root, COMPLETION_COMMAND, quiet, async () => async () => undefined);
    await expect(root.parseAsync(['node', 't', 'completion', 'tcsh'])).rejects.toBeInstanceOf(CommanderError);
  });
});

describe('the types run() gets (checked by tsc --noEmit)', () => {
  it('arguments by name, optional where the spec says so, choices as a union', () => {
    expectTypeOf<CommandArgs<typeof LOGIN_COMMAND>>().toEqualTypeOf<{ serverUrl?: string }>();
    expectTypeOf<CommandArgs<typeof CALL_COMMAND>>().toEqualTypeOf<{ methodOrPath: string; path?: string }>();
    expectTypeOf<CommandArgs<typeof KEY_ROTATE>>().toEqualTypeOf<{ serviceAccount: string; key: string }>();
    expectTypeOf<CommandArgs<typeof EXEC_COMMAND>>().toEqualTypeOf<{ command: string[] }>();
    expectTypeOf<CommandArgs<typeof COMPLETION_COMMAND>>().toEqualTypeOf<{ shell: 'bash' | 'zsh' | 'fish' }>();
    expectTypeOf<CommandArgs<typeof TOKEN_COMMAND>>().toEqualTypeOf<{}>();
  });

  it('options by key and kind, a parent\'s flags included where inherited', () => {
    expectTypeOf<CommandOptions<typeof TOKEN_COMMAND>['expiresIn']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CommandOptions<typeof LOGIN_COMMAND>['apiKey']>().toEqualTypeOf<string | boolean | undefined>();
    expectTypeOf<CommandOptions<typeof CALL_COMMAND>['typedField']>().toEqualTypeOf<FieldArg[] | undefined>();
    expectTypeOf<CommandOptions<typeof DESCRIBE_COMMAND>['tag']>().toEqualTypeOf<string | undefined>();
  });

  it('a run() that reads what its spec does not declare does not compile', () => {
    const run: Run<typeof LOGIN_COMMAND> = async (args, opts) => {
      // @ts-expect-error login has no such argument
      void args.server;
      // @ts-expect-error login has no --expires-in
      void opts.expiresIn;
      // @ts-expect-error an optional argument may be missing
      void args.serverUrl.length;
    };
    expect(typeof run).toBe('function');
  });
});
