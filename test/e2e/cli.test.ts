/** The binary's basics: version, help, usage errors, exit codes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, Sandbox } from '../support/cli.js';

const box = new Sandbox();
afterAll(() => box.cleanup());

describe('zenml-api', () => {
  it('--version prints the package version', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-v']) {
      const r = await box.run([flag]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('-v and --version after a command are the program\'s, as commander has them, not the command\'s unknown option', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    // Commands registered before and after exec: no order of registration changes how they parse.
    for (const args of [['token', '-v'], ['status', '--version'], ['call', 'pipelines', '-v'], ['profile', 'list', '-v'], ['env', '--version'], ['pro', 'users', 'me', '-v']]) {
      const r = await box.run(args);
      expect([args, r.exitCode, r.stdout, r.stderr]).toEqual([args, 0, `${version}\n`, '']);
    }
  });

  it('--help (pre-rendered for speed) is exactly what the program renders, with every command and examples', async () => {
    const fast = await box.run(['--help']);
    // dist/cli.cjs has no pre-rendered help: commander renders it.
    const slow = await execa('node', [join(ROOT, 'dist/cli.cjs'), '--help'], { env: box.env, extendEnv: false });
    expect(fast.exitCode).toBe(0);
    expect(fast.stdout).toBe(`${slow.stdout}\n`);
    for (const cmd of ['login', 'logout', 'token', 'current-user', 'call', 'status', 'profile', 'pro', 'service-account', 'api-key']) {
      expect(fast.stdout).toMatch(new RegExp(`\\n  ${cmd}\\b`));
    }
    expect(fast.stdout).toContain('Examples:');
    expect(fast.stdout).toContain('Exit codes:');
  });

  it('no arguments at all print the help, exit 0 (fast path and commander alike)', async () => {
    const fast = await box.run([]);
    expect(fast.exitCode).toBe(0);
    expect(fast.stdout).toBe((await box.run(['--help'])).stdout);
    const slow = await execa('node', [join(ROOT, 'dist/cli.cjs')], { env: box.env, extendEnv: false, reject: false });
    expect(slow.exitCode).toBe(0);
    expect(`${slow.stdout}\n`).toBe(fast.stdout);
  });

  it('every command has --help with examples', async () => {
    const commands = [
      ['login'], ['logout'], ['token'], ['current-user'], ['call'], ['status'],
      ['profile', 'list'], ['profile', 'use'], ['profile', 'show'], ['profile', 'remove'],
      ['pro', 'login'], ['pro', 'token'], ['pro', 'users', 'me'], ['pro', 'workspaces', 'list'], ['pro', 'organizations', 'list'],
    ];
    for (const c of commands) {
      const r = await box.run([...c, '--help']);
      expect(r.exitCode, c.join(' ')).toBe(0);
      expect(r.stdout, c.join(' ')).toContain('Examples:');
    }
  });

  it('help exit-codes lists the codes', async () => {
    const r = await box.run(['help', 'exit-codes']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/0 +success[\s\S]*2 +usage error[\s\S]*4 +authentication[\s\S]*130 +interrupted/);
  });

  it('an unknown flag is exit 2 with one line; an unknown command suggests the nearest', async () => {
    const flag = await box.run(['--no-such-flag']);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toBe("zenml-api: unknown option '--no-such-flag'\n");
    const cmd = await box.run(['logn']);
    expect(cmd.exitCode).toBe(2);
    expect(cmd.stderr).toBe("zenml-api: unknown command 'logn' (did you mean login?)\n");
  });

  it('without credentials, commands that need them exit 4 and say how to log in', async () => {
    for (const c of [['token'], ['current-user'], ['call', 'info']]) {
      const r = await box.run(c);
      expect(r.exitCode, c.join(' ')).toBe(4);
      expect(r.stderr).toMatch(/^zenml-api: not logged in\. Run `zenml-api login SERVER_URL`/);
    }
  });
});
