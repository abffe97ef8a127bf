/**
 * exec against the stand-in: the child's environment (a short-lived token for the right server,
 * no key, password or Pro key) for stored profiles and environment credentials, on both wire
 * generations; exit statuses and signals passed through; nothing secret on exec's own streams.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProStandin, startProWorkspace, startStandin, type ProStandin, type Standin } from '../support/standin/index.js';
import { BIN, leaked, Sandbox, type CliResult } from '../support/cli.js';

/** The child: prints its environment as JSON. */
const PRINT_ENV = ['node', '-e', 'process.stdout.write(JSON.stringify(process.env))'];

/** Secrets a parent may hold that the child must not see. */
const PARENT_SECRETS = { ZENML_STORE_USERNAME: 'ci-user-name', ZENML_STORE_PASSWORD: 'pw-never-passed-on', ZENML_PRO_API_KEY: 'ZENPROKEY_neverpassedon' };

/** Resolves once the process has printed `text` on stdout. */
function untilOutput(proc: { stdout: NodeJS.ReadableStream | null; once(e: 'exit', l: () => void): unknown }, text: string): Promise<void> {
  let out = '';
  return new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) resolve();
    });
    proc.once('exit', () => reject(new Error(`ended before printing ${JSON.stringify(text)}: ${out}`)));
  });
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** The token the CLI itself used to ask for the new one: a secret that must stay in the CLI. */
function sessionToken(server: Standin): string {
  const req = server.log.find((l) => l.path === '/api/v1/api_token')!;
  return req.headers.authorization!.replace(/^Bearer /, '');
}

async function currentUser(server: Standin, token: string): Promise<{ status: number; id?: string }> {
  const res = await fetch(`${server.url}/api/v1/current-user`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, ...(res.ok ? { id: ((await res.json()) as { id: string }).id } : {}) };
}

function childEnv(r: CliResult): Record<string, string> {
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe.each(['0.58', '0.9x'] as const)('exec on a %s server', (version) => {
  let server: Standin;
  let box: Sandbox;
  let key: string;
  let saId: string;

  beforeAll(async () => {
    server = await startStandin({ version });
    saId = server.createServiceAccount('ci-bot').id;
    key = server.createApiKey('ci-bot', 'default').key;
  });
  afterAll(() => server.close());
  afterEach(() => box?.cleanup());

  function expectGoodChildEnv(env: Record<string, string>, lifetimeSeconds: number) {
    expect(env.ZENML_STORE_URL).toBe(server.url);
    for (const k of ['ZENML_STORE_API_KEY', 'ZENML_STORE_USERNAME', 'ZENML_STORE_PASSWORD', 'ZENML_PRO_API_KEY']) expect(env, k).not.toHaveProperty(k);
    const exp = claims(env.ZENML_STORE_API_TOKEN!).exp as number;
    expect(exp - Date.now() / 1000).toBeGreaterThan(lifetimeSeconds - 120);
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(lifetimeSeconds + 5);
    expect(claims(env.ZENML_STORE_API_TOKEN!).sub).toBe(saId);
  }

  it('a stored profile: the child gets a new one-hour token for the server, and no key, password or Pro key', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    server.clearLog();
    const r = await box.run(['exec', '--', ...PRINT_ENV], { env: PARENT_SECRETS });
    const env = childEnv(r);
    expectGoodChildEnv(env, 3600);
    expect(await currentUser(server, env.ZENML_STORE_API_TOKEN!)).toEqual({ status: 200, id: saId });
    // The token is a new one, not the profile's stored (never-expiring) token.
    expect(env.ZENML_STORE_API_TOKEN).not.toBe(sessionToken(server));
    expect(env.ZENML_STORE_API_TOKEN).toContain('.');
  });

  it('environment credentials: the API key goes in, a short-lived token comes out, nothing is written', async () => {
    box = new Sandbox();
    const r = await box.run(['exec', '--', ...PRINT_ENV], { env: { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key, ...PARENT_SECRETS } });
    const env = childEnv(r);
    expectGoodChildEnv(env, 3600);
    expect(await currentUser(server, env.ZENML_STORE_API_TOKEN!)).toEqual({ status: 200, id: saId });
    expect(leaked([r.stdout], [key, sessionToken(server), ...Object.values(PARENT_SECRETS)])).toBe(-1);
    expect(box.files()).toEqual([]);
  });

  it("--expires-in sets the new token's lifetime, with this version's /api_token parameters", async () => {
    box = new Sandbox();
    server.clearLog();
    const r = await box.run(['exec', '--expires-in', '600', '--', ...PRINT_ENV], { env: { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key } });
    const env = childEnv(r);
    expectGoodChildEnv(env, 600);
    const q = server.log.find((l) => l.path === '/api/v1/api_token')!.query;
    if (version === '0.58') expect(q).toEqual({ expires_minutes: '10' });
    else expect(q).toEqual({ token_type: 'generic', expires_in: '600' });
  });

  it('no secret but the new token on any stream, with and without --verbose; --verbose names what was withheld', async () => {
    box = new Sandbox();
    const env = { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key, ...PARENT_SECRETS };
    for (const verbose of [[], ['--verbose']]) {
      server.clearLog();
      const r = await box.run(['exec', ...verbose, '--', ...PRINT_ENV], { env });
      expect(r.exitCode).toBe(0);
      const minted = (JSON.parse(r.stdout) as Record<string, string>).ZENML_STORE_API_TOKEN!;
      const secrets = [key, sessionToken(server), ...Object.values(PARENT_SECRETS)];
      expect(leaked([r.stdout, r.stderr], secrets), verbose.join()).toBe(-1);
      expect(r.stderr).not.toContain(minted);
      if (verbose.length) {
        expect(r.stderr).toContain('not passing ZENML_STORE_API_KEY, ZENML_STORE_USERNAME, ZENML_STORE_PASSWORD, ZENML_PRO_API_KEY on to the command');
        expect(r.stderr).toContain(`with a token for ${server.url} that expires`);
        expect(r.stderr).toContain('/api/v1/api_token');
      } else expect(r.stderr).toBe('');
    }
  });

  it("a server that will not mint: the profile's own token, with notes; a server error: exit 1 and the command does not run", async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const stored = (await box.run(['token'])).stdout.trim();
    server.addFault({ path: '/api/v1/api_token', kind: 'status', status: 403 });
    const r = await box.run(['exec', '--', ...PRINT_ENV]);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as Record<string, string>).ZENML_STORE_API_TOKEN).toBe(stored);
    expect(r.stderr).toMatch(/^note: the server did not mint a short-lived token \(HTTP 403[^\n]*\); passing on the profile's own token\nnote: the token passed on never expires/);
    server.addFault({ path: '/api/v1/api_token', kind: 'status', status: 500, times: Infinity });
    try {
      const failed = await box.run(['exec', '--', 'node', '-e', 'process.stdout.write("ran")']);
      expect(failed.exitCode).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      server.clearFaults();
    }
  });

  it('--no-mint hands on the profile\'s own token and says that it never expires', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const stored = (await box.run(['token'])).stdout.trim();
    server.clearLog();
    const r = await box.run(['exec', '--no-mint', '--', ...PRINT_ENV]);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as Record<string, string>).ZENML_STORE_API_TOKEN).toBe(stored);
    expect(r.stderr).toContain('note: the token passed on never expires');
    expect(server.count('GET', '/api/v1/api_token')).toBe(0);
  });
});

describe('exec: the exit status and signals of the command', () => {
  let server: Standin;
  let box: Sandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startStandin({ version: '0.9x' });
    server.createServiceAccount('runner');
    env = { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: server.createApiKey('runner', 'k').key };
    box = new Sandbox();
  });
  afterAll(async () => {
    box.cleanup();
    await server.close();
  });

  /**
   * Starts exec with a child that says "ready" once its handlers are in place. exec gets a process
   * group of its own, as a program signalled by kill or a CI runner is: then no terminal that
   * runs the tests signals it or its child.
   */
  async function startWaiting(childCode: string, flags: string[] = []) {
    const child = `${childCode}; process.stdout.write('ready\\n'); setInterval(() => {}, 1000)`;
    const proc = execa('node', [BIN, 'exec', ...flags, '--', 'node', '-e', child], {
      env: { ...box.env, ...env },
      extendEnv: false,
      reject: false,
      encoding: 'utf8',
      stripFinalNewline: false,
      stdin: 'ignore',
      detached: true,
      timeout: 60_000,
    });
    await untilOutput(proc, 'ready\n');
    // Wrapped: the subprocess is itself a promise, which an async function would wait for.
    return { proc };
  }

  it("exits with the command's status", async () => {
    const r = await box.run(['exec', '--', 'node', '-e', 'process.exit(3)'], { env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('');
  });

  it('a command killed by SIGTERM gives 143', async () => {
    const r = await box.run(['exec', '--', 'node', '-e', "process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000)"], { env });
    expect(r.exitCode).toBe(143);
    expect(r.stderr).toBe('');
  });

  it('SIGTERM to exec reaches the command, which ends by it: 143', async () => {
    const { proc } = await startWaiting('0');
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode).toBe(143);
    expect(r.signal).toBeUndefined();
  });

  it('Ctrl-C (SIGINT to exec) reaches the command, whose own status is exec\'s', async () => {
    const { proc } = await startWaiting("process.on('SIGINT', () => { process.stdout.write('child: SIGINT\\n'); process.exit(42); })", ['--verbose']);
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.stdout).toContain('child: SIGINT\n');
    expect(r.stderr).toContain('zenml-api: passing SIGINT on to the command\n');
    expect(r.exitCode).toBe(42);
  });

  it('a second Ctrl-C still goes to the command; exec waits for it to end', async () => {
    const { proc } = await startWaiting(
      "let n = 0; process.on('SIGINT', () => { n += 1; process.stdout.write(`child: SIGINT ${n}\\n`); if (n === 2) setTimeout(() => process.exit(5), 200); })",
    );
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    proc.kill('SIGINT');
    for (let i = 0; i < 200 && !out.includes('child: SIGINT 1'); i++) await new Promise((r) => setTimeout(r, 25));
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.stdout).toContain('child: SIGINT 2\n');
    expect(r.exitCode).toBe(5);
  });

  it.runIf(existsSync('/usr/bin/script'))('a Ctrl-C typed at a terminal reaches the command from the terminal only, not a second time from exec', async () => {
    const child = "let n = 0; process.on('SIGINT', () => { if (++n === 1) setTimeout(() => { process.stdout.write(`SIGINTs: ${n}\\n`); process.exit(0); }, 300); }); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)";
    const cmd = ['node', BIN, 'exec', '--verbose', '--', 'node', '-e', child].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // `exec`: script's shell (dash) would itself die of the Ctrl-C; zenml-api leads the session.
    const proc = execa('script', ['-qec', `exec ${cmd}`, '/dev/null'], { env: { ...box.env, ...env, TERM: 'dumb' }, extendEnv: false, reject: false, encoding: 'utf8', stdin: 'pipe', timeout: 60_000 });
    await untilOutput(proc, 'ready');
    proc.stdin!.write('\x03');
    const r = await proc;
    expect(r.stdout).toContain('zenml-api: SIGINT: left to the terminal, which sent it to the command too');
    expect(r.stdout).not.toContain('passing SIGINT on');
    expect(r.stdout).toContain('SIGINTs: 1');
    expect(r.exitCode).toBe(0);
  });

  it('SIGHUP to exec reaches the command', async () => {
    const { proc } = await startWaiting("process.on('SIGHUP', () => { process.stdout.write('child: SIGHUP\\n'); process.exit(0); })");
    proc.kill('SIGHUP');
    const r = await proc;
    expect(r.stdout).toContain('child: SIGHUP\n');
    expect(r.exitCode).toBe(0);
  });

  it('a missing command: one line, 127; a file that is not executable: 126', async () => {
    const r = await box.run(['exec', '--', 'zenml-api-no-such-command', '--flag'], { env });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toBe('zenml-api: zenml-api-no-such-command: command not found\n');
    const dir = await box.run(['exec', '--', box.dir], { env });
    expect(dir.exitCode).toBe(126);
    expect(dir.stderr).toBe(`zenml-api: ${box.dir}: permission denied\n`);
  });

  it("the command's own flags are its own, with or without --", async () => {
    const r = await box.run(['exec', 'sh', '-c', 'printf "%s " "$@"', 'sh', '--verbose', '--profile', 'x'], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('--verbose --profile x ');
    expect(r.stderr).toBe('');
  });

  it("the program's own flags after COMMAND are COMMAND's too: -v, --version, --help", async () => {
    const r = await box.run(['exec', 'sh', '-c', 'printf "%s " "$@"', 'sh', '-v', '--version', '--help', '-h'], { env });
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, '-v --version --help -h ', '']);
  });

  it('global flags given before exec are exec\'s, never the command\'s', async () => {
    for (const args of [
      ['--verbose', 'exec', 'sh', '-c', 'printf "%s " "$@"', 'sh', '-v', '--profile', 'x'],
      ['--verbose', 'exec', '--', 'sh', '-c', 'printf "%s " "$@"', 'sh', '-v', '--profile', 'x'],
      ['--verbose', '--timeout', '30', 'exec', '--no-mint', 'sh', '-c', 'printf "%s " "$@"', 'sh', '-v', '--profile', 'x'],
    ]) {
      const r = await box.run(args, { env });
      expect([args, r.exitCode, r.stdout]).toEqual([args, 0, '-v --profile x ']);
      // --verbose reached exec: it names what it withheld and what it runs.
      expect(r.stderr).toContain('zenml-api: running sh with a token');
    }
  });

  it('no command, or a bad --expires-in, is a usage error before anything runs', async () => {
    for (const args of [['exec'], ['exec', '--expires-in', 'soon', '--', 'true'], ['exec', '--no-mint', '--expires-in', '60', '--', 'true']]) {
      const r = await box.run(args, { env });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('without credentials: exit 4 and the command does not run', async () => {
    const r = await box.run(['exec', '--', 'node', '-e', 'process.stdout.write("ran")']);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe('');
  });
});

describe('exec --pro', () => {
  let pro: ProStandin;
  let workspace: Standin;
  let box: Sandbox;
  let proKey: string;

  beforeAll(async () => {
    pro = await startProStandin();
    workspace = await startProWorkspace(pro, 'my-workspace');
    proKey = pro.createApiKey({ user: pro.users.serviceAccount.id });
    box = new Sandbox();
    const env = { ZENML_PRO_API_URL: pro.url };
    expect((await box.run(['pro', 'login', '--api-key', '-'], { input: proKey, env })).exitCode).toBe(0);
    expect((await box.run(['login', '--pro-workspace', 'my-workspace'], { env })).exitCode).toBe(0);
  });
  afterAll(async () => {
    box.cleanup();
    await Promise.all([pro.close(), workspace.close()]);
  });

  it('adds the Pro API URL and a Pro token; the Pro key stays behind', async () => {
    const r = await box.run(['exec', '--pro', '--profile', 'my-workspace', '--', ...PRINT_ENV], { env: { ZENML_PRO_API_URL: pro.url, ZENML_PRO_API_KEY: 'ZENPROKEY_parentkey' } });
    const env = childEnv(r);
    expect(env.ZENML_STORE_URL).toBe(workspace.url);
    expect(env.ZENML_PRO_API_URL).toBe(pro.url);
    expect(env).not.toHaveProperty('ZENML_PRO_API_KEY');
    const me = await fetch(`${pro.url}/users/me`, { headers: { authorization: `Bearer ${env.ZENML_PRO_API_TOKEN}` } });
    expect(me.status).toBe(200);
    const ws = await fetch(`${workspace.url}/api/v1/current-user`, { headers: { authorization: `Bearer ${env.ZENML_STORE_API_TOKEN}` } });
    expect(ws.status).toBe(200);
    expect(leaked([r.stdout, r.stderr], [proKey, 'ZENPROKEY_parentkey'])).toBe(-1);
  });

  it('without --pro, no Pro variables', async () => {
    const env = childEnv(await box.run(['exec', '--profile', 'my-workspace', '--', ...PRINT_ENV], { env: { ZENML_PRO_API_URL: pro.url } }));
    expect(env).not.toHaveProperty('ZENML_PRO_API_TOKEN');
    expect(env.ZENML_STORE_URL).toBe(workspace.url);
  });
});
