/** The command surface: global flags anywhere, --jq, tables, readable errors, messages. */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, Sandbox } from '../support/cli.js';

const hasScript = existsSync('/usr/bin/script');

/** Runs the binary under a pseudo-terminal (util-linux `script`); stdout and stderr both land in `out`. */
async function onTerminal(args: string[], env: Record<string, string | undefined> = {}, columns = 100) {
  const cmd = `stty cols ${columns}; ${['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`;
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, NO_COLOR: undefined, TERM: 'xterm', ...env }, extendEnv: false, reject: false });
  return { exitCode: r.exitCode, out: r.stdout.replace(/\r/g, '') };
}

/** Timestamps the server moves on every request (last login) do not make two runs differ. */
const stable = (s: string) => s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, '<time>');

let server: Standin;
let box: Sandbox;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  server.createServiceAccount('caller');
  const key = server.createApiKey('caller', 'k').key;
  server.seedItems('pipelines', 3);
  box = new Sandbox();
  // Two profiles: the flag must pick "admin", not the current one.
  expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'admin'], { input: key })).exitCode).toBe(0);
  expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'other'], { input: key })).exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

describe('global flags before or after the command', () => {
  // Every command, in a shape that runs without changing anything (or fails the same way).
  const commands = [
    ['token'],
    ['token', '--json'],
    ['current-user'],
    ['current-user', '--json'],
    ['call', 'info'],
    ['call', 'GET', 'pipelines', '-q', 'size=1'],
    ['endpoints', 'service_accounts'],
    ['endpoints', 'describe', 'GET', 'pipelines'],
    ['service-account', 'list'],
    ['service-account', 'describe', 'caller'],
    ['api-key', 'list', 'caller'],
    ['api-key', 'describe', 'caller', 'k'],
    ['docs'],
    ['pro', 'token'],
    ['pro', 'users', 'me'],
    ['pro', 'organizations', 'list'],
    ['pro', 'workspaces', 'list'],
    ['status'],
    ['profile', 'list'],
    ['profile', 'show'],
    ['completion', 'bash'],
  ];
  for (const c of commands) {
    it(`${c.join(' ')}: --profile admin before and after give the same result`, async () => {
      const after = await box.run([...c, '--profile', 'admin']);
      const before = await box.run(['--profile', 'admin', ...c]);
      expect({ code: before.exitCode, out: stable(before.stdout), err: before.stderr }).toEqual({ code: after.exitCode, out: stable(after.stdout), err: after.stderr });
    });
  }

  it('the profile flag before the command is used, not the current profile', async () => {
    const r = await box.run(['--profile', 'admin', 'token', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).profile).toBe('admin');
    const eq = await box.run(['--profile=admin', '--json', 'token']);
    expect(JSON.parse(eq.stdout).profile).toBe('admin');
  });

  it('--verbose, --timeout, --no-verify-ssl and --json work before the command', async () => {
    const r = await box.run(['--verbose', '--timeout', '10', '--no-verify-ssl', '--json', '--profile', 'admin', 'current-user']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('caller');
    expect(r.stderr).toMatch(/GET .*\/api\/v1\/current-user/);
  });

  it.runIf(hasScript)('--no-color works before or after the command, on the fast path and the full CLI, and beats FORCE_COLOR', async () => {
    for (const c of [['token', '--json'], ['current-user', '--json']]) {
      const coloured = await onTerminal([...c, '--profile', 'admin']);
      expect(coloured.out, c.join(' ')).toContain('\x1b[');
      for (const args of [['--no-color', ...c], [...c, '--no-color']]) {
        const r = await onTerminal([...args, '--profile', 'admin'], { FORCE_COLOR: '1' });
        expect(r.exitCode, args.join(' ')).toBe(0);
        expect(r.out, args.join(' ')).toMatch(/^\{\n {2}"/);
        expect(r.out, args.join(' ')).not.toContain('\x1b[');
      }
    }
  });

  it('a global flag the command does not take is refused as it is after the command', async () => {
    const r = await box.run(['--json', 'profile', 'use', 'admin']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("zenml-api: unknown option '--json'\n");
  });
});
