/** `completion bash|zsh|fish` and the `__complete` callback, offline from the cached API document. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, Sandbox } from '../support/cli.js';

let server: Standin;
let box: Sandbox;
let shimDir: string;

/** Whether a shell is installed (zsh and fish are optional on CI machines). */
async function has(shell: string): Promise<boolean> {
  const r = await execa(shell, ['-c', 'exit 0'], { reject: false });
  return r.exitCode === 0;
}

beforeAll(async () => {
  server = await startStandin();
  server.createServiceAccount('caller');
  const { key } = server.createApiKey('caller', 'k');
  box = new Sandbox();
  expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
  expect((await box.run(['endpoints', 'nothing'])).exitCode).toBe(0); // caches the document
  // The scripts call `zenml-api` from PATH: a shim that runs the built binary.
  shimDir = join(box.dir, 'bin');
  mkdirSync(shimDir);
  writeFileSync(join(shimDir, 'zenml-api'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shimDir, 'zenml-api'), 0o755);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

const complete = async (...words: string[]) => {
  const r = await box.run(['__complete', '--', ...words]);
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
};

describe('completion scripts', () => {
  it('print a script per shell that the shell parses; an unknown shell is exit 2', async () => {
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      const r = await box.run(['completion', shell]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('__complete --');
      if (shell !== 'bash' && !(await has(shell))) continue; // optional shells: parse only where installed
      const file = join(box.dir, `completion.${shell}`);
      writeFileSync(file, r.stdout);
      const check = await execa(shell, ['-n', file], { reject: false });
      expect(check.stderr).toBe('');
      expect(check.exitCode).toBe(0);
    }
    const bad = await box.run(['completion', 'tcsh']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('bash, zsh, fish');
    const help = await box.run(['completion', '--help']);
    expect(help.stdout).toContain("echo 'source <(zenml-api completion bash)' >> ~/.bashrc");
    expect(help.stdout).toContain('~/.config/fish/completions/zenml-api.fish');
  });
});

describe('__complete', () => {
  it('returns cached call paths without any request', async () => {
    server.clearLog();
    const paths = await complete('call', 'service_accounts/ci-bot/api');
    expect(paths).toEqual([
      'service_accounts/ci-bot/api_keys',
      'service_accounts/ci-bot/api_keys/{api_key_name_or_id}',
      'service_accounts/ci-bot/api_keys/{api_key_name_or_id}/rotate',
    ]);
    expect(await complete('call', 'POST', 'service_acc')).toEqual(['service_accounts', 'service_accounts/{service_account_id}/api_keys']);
    expect(await complete('endpoints', 'describe', 'PUT', '/api/v1/service_accounts/x/api_keys/k/r')).toEqual(['/api/v1/service_accounts/x/api_keys/k/rotate']);
    expect(await complete('endpoints', '--tag', 'api')).toEqual(['api_keys']);
    expect(server.log).toHaveLength(0);
  });

  it('completes commands, subcommands, flags and profiles from the program itself', async () => {
    const top = await complete('');
    expect(top).toEqual(expect.arrayContaining(['login', 'call', 'endpoints', 'docs', 'completion', 'service-account', 'api-key', 'pro']));
    expect(top).not.toContain('__complete');
    const de = await complete('endpoints', 'de');
    expect(de[0]).toBe('describe'); // the subcommand, then paths as patterns
    expect(de).toContain('devices/{device_id}');
    expect(await complete('call', '--pa')).toEqual(['--paginate']);
    expect(await complete('call', '--profile=')).toEqual(['--profile=default']);
  });

  it('has nothing to say without a cache, and never an error', async () => {
    const empty = new Sandbox();
    try {
      const r = await empty.run(['__complete', '--', 'call', 'serv']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('');
    } finally {
      empty.cleanup();
    }
  });
});

describe('in the shells', () => {
  it('bash: the function fills COMPREPLY from the cache, including --opt=value words', async () => {
    const script = (await box.run(['completion', 'bash'])).stdout;
    const file = join(box.dir, 'c.bash');
    writeFileSync(file, script);
    const probe = `
source ${file}
t() { COMP_LINE=$1; COMP_POINT=\${#1}; COMP_WORDS=("\${@:2}"); COMP_CWORD=$(( $# - 2 )); _zenml_api_complete; printf '%s|' "\${COMPREPLY[@]}"; echo; }
t 'zenml-api call service_accounts/ci-bot/api_keys/k/r' zenml-api call service_accounts/ci-bot/api_keys/k/r
t 'zenml-api call --profile=de' zenml-api call --profile = de
`;
    const r = await execa('bash', ['-c', probe], { env: { ...box.env, PATH: `${shimDir}:${process.env.PATH}` }, extendEnv: false, reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['service_accounts/ci-bot/api_keys/k/rotate|', 'default|']);
  });

  it('fish: complete -C offers cached paths (where fish is installed)', async () => {
    if (!(await has('fish'))) return;
    const file = join(box.dir, 'c.fish');
    writeFileSync(file, (await box.run(['completion', 'fish'])).stdout);
    const r = await execa('fish', ['--no-config', '-c', `source ${file}; complete -C 'zenml-api call service_accounts/ci-bot/api_keys/k/r'`], {
      env: { ...box.env, PATH: `${shimDir}:${process.env.PATH}` },
      extendEnv: false,
      reject: false,
    });
    expect(r.stdout).toBe('service_accounts/ci-bot/api_keys/k/rotate\tPUT · Rotate Api Key');
  });
});
