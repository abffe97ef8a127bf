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

describe('--jq', () => {
  const run = (args: string[]) => box.run([...args, '--profile', 'admin']);

  it('filters call, list and token output with jq -r rules: strings raw', async () => {
    const sa = await run(['call', 'service_accounts', '--jq', '.items[].name']);
    expect({ code: sa.exitCode, out: sa.stdout, err: sa.stderr }).toEqual({ code: 0, out: 'caller\n', err: '' });
    const list = await run(['service-account', 'list', '--jq', '.[] | {name}']);
    expect(list.stdout).toBe('{\n  "name": "caller"\n}\n');
    const tok = await run(['token', '--jq', '.profile']);
    expect(tok.stdout).toBe('admin\n');
    const before = await box.run(['--jq', '.name', '--profile', 'admin', 'current-user']);
    expect(before.stdout).toBe('caller\n');
  });

  it('with --paginate filters the array of every item, with --jsonl each item', async () => {
    const all = await run(['call', 'pipelines', '--paginate', '--jq', 'map(.name) | length']);
    expect(all.stdout).toBe('3\n');
    const each = await run(['call', 'pipelines', '--paginate', '--jsonl', '--jq', '.name']);
    expect(each.stdout.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('a program that does not compile: exit 2, one line', async () => {
    const r = await run(['call', 'info', '--jq', '.version[']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^zenml-api: --jq: syntax error, [^\n]*\n$/);
  });

  it('a program that fails on the data: what it printed first, then exit 1 and one line', async () => {
    const r = await run(['call', 'info', '--jq', '.version, error("stop here")']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^0\.9\d*\.\d+\n$/);
    expect(r.stderr).toBe('zenml-api: --jq: stop here\n');
  });

  it('an HTTP error prints its body unfiltered and fails as without --jq', async () => {
    const r = await run(['call', 'service_accounts/nope', '--jq', '.name']);
    expect(r.exitCode).toBe(1);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/^zenml-api: HTTP 404/);
  });

  it('--jq cannot go with -i or --silent; an empty program is refused', async () => {
    const i = await run(['call', 'info', '-i', '--jq', '.']);
    expect(i.exitCode).toBe(2);
    expect(i.stderr).toBe('zenml-api: --jq filters the body: it cannot go with -i/--include\n');
    const s = await run(['call', 'info', '--silent', '--jq', '.']);
    expect(s.stderr).toBe('zenml-api: --jq filters the body: it cannot go with --silent\n');
    const e = await run(['call', 'info', '--jq', ' ']);
    expect(e.exitCode).toBe(2);
    expect(e.stderr).toBe('zenml-api: --jq needs an expression, e.g. --jq .name\n');
  });

  it('-q given a jq program points at --jq', async () => {
    const r = await run(['call', 'pipelines', '-q', '.items[].name']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('zenml-api: -q/--query adds a query parameter (key=value); to filter the response with jq, use --jq ".items[].name"\n');
  });
});

describe.runIf(hasScript)('tables on a terminal, as gh prints them', () => {
  it('plain aligned columns under an upper-case header, no box characters, also with TERM=dumb', async () => {
    for (const env of [{}, { TERM: 'dumb' }]) {
      const r = await onTerminal(['service-account', 'list', '--profile', 'admin'], env, 200);
      expect(r.exitCode).toBe(0);
      const lines = r.out.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME {2,}ID {2,}ACTIVE/);
      expect(lines[1]).toMatch(/^caller {2,}[0-9a-f-]{36} {2,}yes/);
      // Columns line up: each value starts where its header does.
      expect(lines[1]!.indexOf(' yes') + 1).toBe(lines[0]!.indexOf('ACTIVE'));
      expect(r.out).not.toMatch(/[┌┐└┘│─]/);
    }
  });

  it('cut to the terminal width with an ellipsis', async () => {
    const r = await onTerminal(['status'], {}, 50);
    const lines = r.out.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(50);
    expect(r.out).toContain('…');
  });

  it('piped: tab-separated, no header', async () => {
    const r = await box.run(['service-account', 'list', '--profile', 'admin']);
    expect(r.stdout).toMatch(/^caller\t[0-9a-f-]{36}\tyes\t/);
  });
});

describe('readable validation errors (422)', () => {
  for (const version of ['0.58', '0.9x'] as const) {
    it(`ZenML ${version}: one line per problem, values cut to 80 characters`, async () => {
      const s = await startStandin({ version });
      s.createServiceAccount('v');
      const b = new Sandbox();
      try {
        expect((await b.run(['login', s.url, '--api-key', '-'], { input: s.createApiKey('v', 'k').key })).exitCode).toBe(0);
        const r = await b.run(['call', 'POST', 'service_accounts', '-f', 'description=x']);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toBe('zenml-api: HTTP 422: 2 problems with the request:\n  body.name: field required\n  body.active: field required\n');
        const long = await b.run(['call', 'service_accounts', '-q', `size=${'9x'.repeat(1500)}`]);
        expect(long.exitCode).toBe(1);
        expect(long.stderr.split('\n')).toHaveLength(2);
        expect(long.stderr.length).toBeLessThan(220);
        expect(long.stderr).toMatch(/^zenml-api: HTTP 422: invalid request: query\.size: /);
      } finally {
        b.cleanup();
        await s.close();
      }
    });
  }
});

describe('messages that name the problem and the fix', () => {
  const run = (args: string[], opts: Parameters<Sandbox['run']>[1] = {}) => box.run([...args, '--profile', 'admin'], opts);
  const usage = (r: { exitCode?: number; stderr: string }, line: string) => expect({ code: r.exitCode, err: r.stderr }).toEqual({ code: 2, err: `zenml-api: ${line}\n` });

  it('--timeout 0, --timeout abc', async () => {
    usage(await run(['call', 'info', '--timeout', '0']), '--timeout must be at least 1 second');
    usage(await run(['call', 'info', '--timeout', 'abc']), '--timeout must be a number of seconds, not "abc"');
    usage(await run(['call', 'info', '--timeout', '90000']), '--timeout must be at most 86400 seconds (a day)');
  });

  it('ZENML_STORE_HTTP_TIMEOUT=abc: a warning, then the command runs (fast path and full CLI)', async () => {
    for (const c of [['token'], ['current-user', '--json']]) {
      const r = await run(c, { env: { ZENML_STORE_HTTP_TIMEOUT: 'abc' } });
      expect(r.exitCode, c.join(' ')).toBe(0);
      expect(r.stdout).not.toBe('');
      expect(r.stderr).toBe('zenml-api: warning: ignoring ZENML_STORE_HTTP_TIMEOUT: it must be a number of seconds, not "abc"\n');
    }
  });

  it('-F a=@nosuch.json and --input nosuch.json', async () => {
    usage(await run(['call', 'POST', 'service_accounts', '-F', 'a=@nosuch.json']), 'no such file: nosuch.json');
    usage(await run(['call', 'POST', 'service_accounts', '--input', 'nosuch.json']), '--input: no such file: nosuch.json');
  });

  it('ZENML_API_CONFIG_DIR naming a file', async () => {
    const file = `${box.dir}/not-a-folder`;
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'x'));
    for (const c of [['status'], ['token'], ['profile', 'list']]) {
      const r = await box.run(c, { env: { ZENML_API_CONFIG_DIR: file } });
      expect(r.exitCode, c.join(' ')).toBe(2);
      expect(r.stderr).toBe(`zenml-api: ${file} is a file, not a folder. The config folder (ZENML_API_CONFIG_DIR, else XDG_CONFIG_HOME/zenml-api) must be a folder.\n`);
    }
  });

  it('login: a port out of range; http:// suggested for this machine', async () => {
    usage(await box.run(['login', 'http://localhost:99999', '--api-key', '-'], { input: 'x' }), 'the server URL is not valid: port 99999 is out of range (1-65535)');
    usage(await box.run(['login', 'localhost:8080', '--api-key', '-'], { input: 'x' }), 'the server URL needs a scheme: did you mean http://localhost:8080 ?');
  });

  it('login --ca-cert naming a file that is not PEM', async () => {
    const file = `${box.dir}/not.pem`;
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'hello'));
    const r = await box.run(['login', server.url, '--api-key', '-', '--profile', 'pem', '--ca-cert', file], { input: 'x' });
    usage(r, `--ca-cert: ${file} is not a PEM certificate bundle (no "-----BEGIN CERTIFICATE-----" line)`);
    expect(box.config().profiles.pem).toBeUndefined();
  });

  it('call GET, call pipelines GET: the order of method and path', async () => {
    server.clearLog();
    usage(await run(['call', 'GET']), 'GET is a method: give the path after it (call GET PATH)');
    usage(await run(['call', 'pipelines', 'GET']), 'GET is a method: put it first (call GET pipelines) or use -X GET');
    usage(await run(['call', 'pipelines', 'info']), 'unknown HTTP method "pipelines" (the method comes first: call GET PATH)');
    expect(server.log).toHaveLength(0);
  });

  it('--silent with -i', async () => {
    usage(await run(['call', 'info', '-i', '--silent']), '--silent prints nothing: it cannot go with -i/--include');
  });

  it("-F 'a[b][]=1' -F 'a[b]=2': two shapes for one key; a later plain value still wins", async () => {
    server.clearLog();
    usage(await run(['call', 'POST', 'service_accounts', '-F', 'a[b][]=1', '-F', 'a[b]=2']), '-F/--typed-field: a[b] already holds a list from an earlier field; give it one way');
    expect(server.log).toHaveLength(0);
    const ok = await run(['call', 'POST', 'service_accounts', '-f', 'name=first', '-f', 'name=later', '-F', 'active=true']);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).name).toBe('later');
  });

  it('-F name=@- with empty stdin creates nothing', async () => {
    server.clearLog();
    usage(await run(['call', 'POST', 'service_accounts', '-F', 'name=@-', '-F', 'active=true'], { input: '' }), '@-: stdin is empty (for an empty string, use -f key=)');
    expect(server.log).toHaveLength(0);
  });
});

describe('help', () => {
  /** Every command and group path, read from the program itself. */
  async function commandPaths(): Promise<string[][]> {
    const { buildProgram } = await import('../../src/program.js');
    const { makeCtx } = await import('../../src/commands/context.js');
    const { processIo } = await import('../../src/output/io.js');
    const program = buildProgram(makeCtx(processIo({}), {}, new AbortController().signal));
    const out: string[][] = [];
    const walk = (cmd: typeof program, path: string[]) => {
      for (const c of cmd.commands) {
        if ((c as unknown as { _hidden?: boolean })._hidden) continue;
        out.push([...path, c.name()]);
        walk(c, [...path, c.name()]);
      }
    };
    walk(program, []);
    return out;
  }

  it('every command and group has examples in its --help', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(30);
    for (const p of paths) {
      const r = await box.run([...p, '--help']);
      expect(r.exitCode, p.join(' ')).toBe(0);
      expect(r.stdout, p.join(" ")).toMatch(/\nExamples:\n {2}[$#] /);
    }
  });

  it('call --help describes both arguments', async () => {
    const r = await box.run(['call', '--help']);
    expect(r.stdout).toMatch(/\n {2}path +\S/);
  });

  it('help exit-codes works from every group', async () => {
    const groups = (await commandPaths()).filter((p, _, all) => all.some((q) => q.length > p.length && p.every((w, i) => q[i] === w)));
    expect(groups.length).toBeGreaterThan(4);
    const want = (await box.run(['help', 'exit-codes'])).stdout;
    expect(want).toContain('Exit codes:');
    for (const g of groups) {
      const r = await box.run([...g, 'help', 'exit-codes']);
      expect({ code: r.exitCode, out: r.stdout }, g.join(' ')).toEqual({ code: 0, out: want });
    }
  });
});

describe('details', () => {
  it('status reads "valid until 2026-12-01 11:08 UTC (in 60 min)"', async () => {
    const s = await startStandin({ version: '0.9x', tokenLifetimeSeconds: 3600 });
    s.createServiceAccount('t');
    const b = new Sandbox();
    try {
      expect((await b.run(['login', s.url, '--api-key', '-'], { input: s.createApiKey('t', 'k').key })).exitCode).toBe(0);
      const r = await b.run(['status']);
      expect(r.stdout).toMatch(/\tvalid until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (59|60) min\)\t/);
    } finally {
      b.cleanup();
      await s.close();
    }
  });
});

describe('the keychain fallback warning', () => {
  it('is said once per profile: not again at the next login, again for a new profile', async () => {
    const b = new Sandbox();
    const env = { ZENML_API_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: undefined };
    const login = (profile: string) => b.run(['login', server.url, '--api-key', '-', '--profile', profile], { input: server.createApiKey('caller', `fb-${profile}-${Date.now()}`).key, env });
    const warned = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => l.includes('storing credentials in')).length;
    try {
      const first = await login('one');
      expect(first.exitCode).toBe(0);
      expect(warned(first)).toBe(1);
      const again = await login('one');
      expect(again.exitCode).toBe(0);
      expect(warned(again)).toBe(0);
      expect(warned(await login('two'))).toBe(1);
    } finally {
      b.cleanup();
    }
  });
});

describe('--jq costs nothing unless given', () => {
  /** The dist/ files a run of the CLI required, read from require.cache as the process exits. */
  async function loaded(args: string[]): Promise<string[]> {
    const { ROOT } = await import('../support/cli.js');
    const script = `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('/dist/')).map((k) => k.slice(k.indexOf('/dist/') + 1)))));
process.argv = [process.argv[0], 'zenml-api', ...${JSON.stringify(args)}];
require(${JSON.stringify(`${ROOT}/dist/cli.cjs`)});`;
    const r = await execa('node', ['-e', script], { env: { ...box.env }, extendEnv: false, reject: false });
    return JSON.parse(/LOADED (.*)$/.exec(r.stderr)![1]!) as string[];
  }

  it('dist/vendor/jq.cjs is loaded by --jq only', async () => {
    expect(await loaded(['call', 'info', '--profile', 'admin'])).not.toContain('dist/vendor/jq.cjs');
    expect(await loaded(['service-account', 'list', '--json', '--profile', 'admin'])).not.toContain('dist/vendor/jq.cjs');
    expect(await loaded(['call', 'info', '--jq', '.version', '--profile', 'admin'])).toContain('dist/vendor/jq.cjs');
  });
});
