/**
 * `exec`'s run with fakes: the child's environment, signal forwarding, and how the child's end
 * becomes exec's exit status. The real process, signals included, is in test/e2e/exec.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { childEnvironment, verifySslValue, WITHHELD, type Handoff } from '../../src/commands/exec/handoff.js';
import { FORWARDED, inForegroundGroup, run, type Child, type ExecDeps } from '../../src/commands/exec/run.js';
import { ChildExited, CommandNotRunnable, ExitCode } from '../../src/errors.js';
import { fakeCtx } from '../support/fake-ctx.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

class FakeChild extends EventEmitter implements Child {
  killed: NodeJS.Signals[] = [];
  kill(signal: NodeJS.Signals): boolean {
    this.killed.push(signal);
    return true;
  }
}

function fakeDeps(handoff: Handoff = { vars: { ZENML_STORE_URL: 'https://zenml.example.com/a path', ZENML_STORE_API_TOKEN: TOKEN }, expiresAt: null }) {
  const child = new FakeChild();
  const signals = new EventEmitter();
  const spawned: Array<{ command: string; args: string[]; env: Record<string, string> }> = [];
  const deps: ExecDeps = {
    spawn: (command, args, options) => {
      spawned.push({ command, args, env: options.env as Record<string, string> });
      return child;
    },
    signals: signals as unknown as ExecDeps['signals'],
    handoff: async () => handoff,
    inForeground: () => false,
  };
  return { deps, child, signals, spawned };
}

/** Lets run() reach the point where the child is running. */
const tick = () => new Promise((r) => setImmediate(r));

const PARENT = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  ZENML_STORE_URL: 'https://zenml.example.com',
  ZENML_STORE_API_KEY: 'ZENKEY_secret',
  ZENML_STORE_USERNAME: 'ci',
  ZENML_STORE_PASSWORD: 'pw-secret',
  ZENML_PRO_API_KEY: 'ZENPROKEY_secret',
  ZENML_STORE_API_TOKEN: 'old-token',
};

describe('exec run', () => {
  it('gives the child the handoff variables and none of the withheld credentials; says which with --verbose', async () => {
    const { ctx, err } = fakeCtx(PARENT);
    const { deps, child, spawned } = fakeDeps();
    const done = run({ command: ['python', 'train.py', '--epochs', '3'] }, { verbose: true }, ctx, deps);
    await tick();
    child.emit('spawn');
    child.emit('exit', 0, null);
    await done;
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.command).toBe('python');
    expect(spawned[0]!.args).toEqual(['train.py', '--epochs', '3']);
    const env = spawned[0]!.env;
    expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/u', ZENML_STORE_URL: 'https://zenml.example.com/a path', ZENML_STORE_API_TOKEN: TOKEN });
    for (const k of WITHHELD) expect(env).not.toHaveProperty(k);
    expect(err.join('\n')).toContain('not passing ZENML_STORE_API_KEY, ZENML_STORE_USERNAME, ZENML_STORE_PASSWORD, ZENML_PRO_API_KEY on to the command');
    expect(err.join('\n')).not.toMatch(/secret|ZENKEY_|pw-/);
  });

  it('says nothing about withheld names without --verbose', async () => {
    const { ctx, err } = fakeCtx(PARENT);
    const { deps, child } = fakeDeps();
    const done = run({ command: ['true'] }, {}, ctx, deps);
    await tick();
    child.emit('spawn');
    child.emit('exit', 0, null);
    await done;
    expect(err).toEqual([]);
  });

  it.each([
    [3, null, 3],
    [null, 'SIGTERM', 143],
    [null, 'SIGINT', 130],
    [null, 'SIGKILL', 137],
  ] as const)('a child that ends with code %s / signal %s makes exec exit %s', async (code, signal, status) => {
    const { ctx } = fakeCtx({});
    const { deps, child } = fakeDeps();
    const done = run({ command: ['x'] }, {}, ctx, deps);
    await tick();
    child.emit('spawn');
    child.emit('exit', code, signal);
    const e = await done.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ChildExited);
    expect((e as ChildExited).status).toBe(status);
  });

  it('forwards SIGINT, SIGTERM and SIGHUP to the child while it runs, and stops listening after', async () => {
    const { ctx } = fakeCtx({});
    const { deps, child, signals } = fakeDeps();
    const done = run({ command: ['x'] }, {}, ctx, deps);
    await tick();
    child.emit('spawn');
    for (const s of FORWARDED) signals.emit(s);
    expect(child.killed).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP']);
    child.emit('exit', 0, null);
    await done;
    for (const s of FORWARDED) expect(signals.listenerCount(s)).toBe(0);
  });

  it('in the terminal\'s foreground group, the first SIGINT is left to the terminal; a second one and the other signals are passed on', async () => {
    const { ctx, err } = fakeCtx({});
    const { deps, child, signals } = fakeDeps();
    deps.inForeground = () => true;
    const done = run({ command: ['x'] }, { verbose: true }, ctx, deps);
    await tick();
    child.emit('spawn');
    signals.emit('SIGINT');
    expect(child.killed).toEqual([]);
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    signals.emit('SIGHUP');
    expect(child.killed).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP']);
    child.emit('exit', 0, null);
    await done;
    expect(err.slice(1)).toEqual([
      'zenml-api: SIGINT: left to the terminal, which sent it to the command too',
      'zenml-api: passing SIGINT on to the command',
      'zenml-api: passing SIGTERM on to the command',
      'zenml-api: passing SIGHUP on to the command',
    ]);
  });

  it.each([
    ['ENOENT', ExitCode.notFound, 'nosuch: command not found'],
    ['EACCES', ExitCode.cannotRun, 'nosuch: permission denied'],
    ['ENOEXEC', ExitCode.cannotRun, 'nosuch: not an executable file'],
  ])('a command that cannot start (%s) is exit %s with one line', async (code, exit, message) => {
    const { ctx } = fakeCtx({});
    const { deps, child, signals } = fakeDeps();
    const done = run({ command: ['nosuch'] }, {}, ctx, deps);
    await tick();
    child.emit('error', Object.assign(new Error(`spawn nosuch ${code}`), { code }));
    const e = (await done.catch((x: unknown) => x)) as CommandNotRunnable;
    expect(e).toBeInstanceOf(CommandNotRunnable);
    expect(e.exitCode).toBe(exit);
    expect(e.message).toBe(message);
    for (const s of FORWARDED) expect(signals.listenerCount(s)).toBe(0);
  });

  it('an error after the start (a failed kill) does not end exec: the exit does', async () => {
    const { ctx } = fakeCtx({});
    const { deps, child } = fakeDeps();
    const done = run({ command: ['x'] }, {}, ctx, deps);
    await tick();
    child.emit('spawn');
    child.emit('error', Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' }));
    child.emit('exit', 0, null);
    await expect(done).resolves.toBeUndefined();
  });

  it('refuses an empty command before asking for a token', async () => {
    const { ctx } = fakeCtx({});
    let asked = false;
    const { deps } = fakeDeps();
    deps.handoff = async () => {
      asked = true;
      return { vars: {}, expiresAt: null };
    };
    await expect(run({ command: [''] }, {}, ctx, deps)).rejects.toThrow(/exec needs a command/);
    expect(asked).toBe(false);
  });
});

describe('inForegroundGroup', () => {
  // pid (comm) state ppid pgrp session tty_nr tpgid …
  it.each([
    ['4242 (node) S 1 4242 4242 34816 4242 4194304', true],
    ['4242 (node) S 1 4242 4242 34816 4300 4194304', false],
    ['4242 (no tty) S 1 4242 4242 0 -1 4194304', false],
    ['4242 (a) b (c)) S 1 77 77 34816 77 0', true],
    ['garbage', false],
  ])('%s → %s', (stat, fg) => {
    expect(inForegroundGroup(() => stat)).toBe(fg);
  });

  it('is false where /proc cannot be read', () => {
    expect(
      inForegroundGroup(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(false);
  });
});

describe('handoff helpers', () => {
  it('childEnvironment drops unset values and reports the withheld names present', () => {
    const { env, withheld } = childEnvironment({ A: '1', B: undefined, ZENML_STORE_PASSWORD: '' }, { C: '3' });
    expect(env).toEqual({ A: '1', C: '3' });
    expect(withheld).toEqual(['ZENML_STORE_PASSWORD']);
  });

  it('verifySslValue: false wins, then the CA bundle (absolute), then true, else nothing', () => {
    expect(verifySslValue({ caCert: '/ca.pem' }, { verifySsl: false })).toBe('false');
    expect(verifySslValue({ verifySsl: false }, {})).toBe('false');
    expect(verifySslValue({ caCert: 'certs/ca.pem' }, {})).toBe(`${process.cwd()}/certs/ca.pem`);
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(verifySslValue({ caCert: pem }, {})).toBe(pem);
    expect(verifySslValue({ verifySsl: true }, {})).toBe('true');
    expect(verifySslValue({}, {})).toBeUndefined();
  });
});
