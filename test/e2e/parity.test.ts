/**
 * The fast paths and the full CLI print the same bytes. The launcher (main.ts: `--version`,
 * `--help`, `help exit-codes`) and fast.ts (`token` with a stored valid token) are compared with
 * dist/cli.cjs run directly (commander, the full
 * token command); cli.ts's own parser (`token`, `current-user`, `endpoints`) with commander, by
 * adding `--`, which the fast parser leaves to commander and which changes nothing printed. Each
 * on a pipe and on a terminal, under the colour variables.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, ROOT, Sandbox } from '../support/cli.js';

const CLI = join(ROOT, 'dist/cli.cjs');
const hasScript = existsSync('/usr/bin/script');
let server: Standin;
let box: Sandbox;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x', tokenLifetimeSeconds: 3600 });
  server.createServiceAccount('p');
  box = new Sandbox();
  expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'admin'], { input: server.createApiKey('p', 'k').key })).exitCode).toBe(0);
  // endpoints reads its cache: fill it once.
  expect((await box.run(['endpoints', '--refresh'])).exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

const COLOUR_ENVS: Array<Record<string, string | undefined>> = [{}, { NO_COLOR: '1' }, { FORCE_COLOR: '1' }, { FORCE_COLOR: '0' }, { TERM: 'dumb' }];

async function piped(entry: string, args: string[], env: Record<string, string | undefined>) {
  const r = await execa('node', [entry, ...args], { env: { ...box.env, NO_COLOR: undefined, TERM: 'xterm', ...env }, extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false });
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}

async function onTerminal(entry: string, args: string[], env: Record<string, string | undefined>, columns: number) {
  const cmd = `stty cols ${columns}; ${['node', entry, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`;
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, NO_COLOR: undefined, TERM: 'xterm', ...env }, extendEnv: false, reject: false, stripFinalNewline: false });
  return { code: r.exitCode, out: r.stdout };
}

/** [fast, full]: two ways to the same output. */
const PAIRS: Array<[string, string[], string, string[]]> = [
  [BIN, ['--version'], CLI, ['--version']],
  [BIN, ['-v'], CLI, ['-v']],
  [BIN, ['--help'], CLI, ['--help']],
  [BIN, [], CLI, []],
  [BIN, ['help', 'exit-codes'], CLI, ['help', 'exit-codes']],
  [BIN, ['token'], CLI, ['token']],
  [BIN, ['token', '--json'], CLI, ['token', '--json']],
  [BIN, ['token', '--json', '--no-color'], CLI, ['token', '--json', '--no-color']],
  [BIN, ['--profile', 'admin', 'token', '--json'], CLI, ['token', '--json', '--profile=admin']],
  [BIN, ['token', '--profile', 'nope'], CLI, ['token', '--profile', 'nope']],
  [CLI, ['token', '--json'], CLI, ['token', '--json', '--']],
  [CLI, ['current-user'], CLI, ['current-user', '--']],
  [CLI, ['current-user', '--json'], CLI, ['current-user', '--json', '--']],
  [CLI, ['endpoints', 'service_accounts'], CLI, ['endpoints', 'service_accounts', '--']],
  [CLI, ['endpoints', '--json'], CLI, ['endpoints', '--json', '--']],
  [CLI, ['call', 'info'], CLI, ['call', 'info', '--']],
  [CLI, ['token', '--jq', '.profile'], CLI, ['token', '--jq', '.profile', '--']],
];

describe('fast path and full CLI print the same', () => {
  for (const [fastEntry, fastArgs, fullEntry, fullArgs] of PAIRS) {
    const name = `${fastEntry === BIN ? 'fast' : 'cli.ts'} \`${fastArgs.join(' ')}\` = commander \`${fullArgs.join(' ')}\``;
    it(`${name}: piped`, async () => {
      for (const env of COLOUR_ENVS) {
        expect(await piped(fastEntry, fastArgs, env), JSON.stringify(env)).toEqual(await piped(fullEntry, fullArgs, env));
      }
    });
    it.runIf(hasScript)(`${name}: on a terminal`, async () => {
      for (const env of COLOUR_ENVS) {
        for (const columns of [80, 120]) {
          expect(await onTerminal(fastEntry, fastArgs, env, columns), `${JSON.stringify(env)} ${columns} columns`).toEqual(await onTerminal(fullEntry, fullArgs, env, columns));
        }
      }
    });
  }

  it('the pairs do take different paths (the fast one loads no commander)', async () => {
    const r = await execa('node', ['-e', `require(${JSON.stringify(join(ROOT, 'dist/fast.cjs'))}).runFast({ args: ['token'], noColor: false }).then((h) => { process.stderr.write(String(h) + ' ' + Object.keys(require.cache).some((k) => k.includes('commander'))); })`], { env: box.env, extendEnv: false });
    expect(r.stderr).toBe('true false');
  });
});
