/**
 * env against the stand-in: every format read back by its own reader gives the same values,
 * including a server URL with a path and a CA bundle path with quotes and spaces; no secret but
 * the new token on any stream; on a terminal, a note that the output holds a token.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, leaked, Sandbox } from '../support/cli.js';
import { installed } from '../support/shells.js';

const NAMES = ['ZENML_STORE_URL', 'ZENML_STORE_API_TOKEN', 'ZENML_STORE_VERIFY_SSL'];
/** A path prefix with a quote and spaces: the URL keeps the quote and encodes the rest. */
const PREFIX = `/team's "ml" space/zenml`;
const ENCODED_PREFIX = `/team's%20%22ml%22%20space/zenml`;


/** A reverse proxy that serves the stand-in under PREFIX, as a server behind a path would be. */
async function startPrefixProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    if (!req.url!.startsWith(ENCODED_PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url!.slice(ENCODED_PREFIX.length) || '/', headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

let server: Standin;
let proxy: { url: string; close: () => Promise<void> };
let box: Sandbox;
let key: string;
let saId: string;
let caPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  saId = server.createServiceAccount('ci-bot').id;
  key = server.createApiKey('ci-bot', 'default').key;
  proxy = await startPrefixProxy(server.url);
  box = new Sandbox();
  mkdirSync(join(box.dir, 'my "certs"'));
  caPath = join(box.dir, 'my "certs"', "it's a ca.pem");
  // Read, never used: the server is plain http on this machine.
  writeFileSync(caPath, 'not used for http\n');
  env = { ZENML_STORE_URL: `${proxy.url}${PREFIX}`, ZENML_STORE_API_KEY: key, ZENML_STORE_VERIFY_SSL: caPath, ZENML_STORE_PASSWORD: 'pw-never-passed-on' };
});
afterAll(async () => {
  box.cleanup();
  await proxy.close();
  await server.close();
});

/** The values each format's reader finds in the output. */
const readers: Record<string, ((text: string) => Record<string, string>) | null> = {
  sh: (text) => shellRead('sh', text),
  fish: installed('fish') ? (text) => shellRead('fish', text) : null,
  dotenv: (text) => parseEnv(text) as Record<string, string>,
  json: (text) => JSON.parse(text) as Record<string, string>,
};

function shellRead(shell: string, text: string): Record<string, string> {
  const script = `${text}\n${NAMES.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
  const parts = execFileSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } }).split('\0');
  return Object.fromEntries(NAMES.map((n, i) => [n, parts[i]!]));
}

describe('env output read back', () => {
  it.each(Object.keys(readers))('--format %s gives the server URL with its path, the CA path with quotes and spaces, and a valid new token', async (format) => {
    const read = readers[format];
    if (!read) {
      console.warn(`skipped: ${format} is not installed`);
      return;
    }
    server.clearLog();
    const r = await box.run(['env', '--format', format], { env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const values = read(r.stdout);
    expect(Object.keys(values).sort()).toEqual([...NAMES].sort());
    expect(values.ZENML_STORE_URL).toBe(`${proxy.url}${ENCODED_PREFIX}`);
    expect(values.ZENML_STORE_VERIFY_SSL).toBe(caPath);
    const token = values.ZENML_STORE_API_TOKEN!;
    expect(claims(token).sub).toBe(saId);
    expect((claims(token).exp as number) - Date.now() / 1000).toBeGreaterThan(3600 - 120);
    const me = await fetch(`${server.url}/api/v1/current-user`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    // The request for the token went through the path on the server.
    expect(server.log.find((l) => l.path === '/api/v1/api_token')?.query).toEqual({ token_type: 'generic', expires_in: '3600' });
  });

  it('powershell and sh quote every value for their own reader', async () => {
    const ps = await box.run(['env', '--format', 'powershell', '--no-mint'], { env });
    expect(ps.stdout).toContain(`$env:ZENML_STORE_VERIFY_SSL = '${caPath.replaceAll("'", "''")}'\n`);
    const sh = await box.run(['env', '--no-mint'], { env });
    expect(sh.stdout).toContain(`export ZENML_STORE_URL='${proxy.url}/team'\\''s%20%22ml%22%20space/zenml'\n`);
  });

  it('--no-verify-ssl hands on ZENML_STORE_VERIFY_SSL=false, over the CA bundle', async () => {
    const r = await box.run(['env', '--format', 'json', '--no-verify-ssl', '--no-mint'], { env });
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as Record<string, string>).ZENML_STORE_VERIFY_SSL).toBe('false');
  });

  it('--expires-in sets the lifetime; an unknown format is a usage error', async () => {
    const r = await box.run(['env', '--format', 'json', '--expires-in', '600'], { env });
    const exp = claims((JSON.parse(r.stdout) as Record<string, string>).ZENML_STORE_API_TOKEN!).exp as number;
    expect(exp - Date.now() / 1000).toBeGreaterThan(480);
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(605);
    const bad = await box.run(['env', '--format', 'cmd'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('zenml-api: --format must be one of sh, fish, powershell, dotenv, json, not "cmd"\n');
    expect(bad.stdout).toBe('');
  });
});

describe('env secrets', () => {
  it('a stored profile: the new token, never the stored one or the key, with and without --verbose', async () => {
    const stored = new Sandbox();
    try {
      expect((await stored.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
      for (const verbose of [[], ['--verbose']]) {
        server.clearLog();
        const r = await stored.run(['env', '--format', 'json', ...verbose], { env: { ZENML_STORE_PASSWORD: 'pw-never-passed-on', ZENML_PRO_API_KEY: 'ZENPROKEY_nope' } });
        expect(r.exitCode).toBe(0);
        const vars = JSON.parse(r.stdout) as Record<string, string>;
        expect(Object.keys(vars)).toEqual(['ZENML_STORE_URL', 'ZENML_STORE_API_TOKEN']);
        expect(vars.ZENML_STORE_URL).toBe(server.url);
        const session = server.log.find((l) => l.path === '/api/v1/api_token')!.headers.authorization!.replace(/^Bearer /, '');
        expect(session).not.toBe(vars.ZENML_STORE_API_TOKEN);
        expect(leaked([r.stdout, r.stderr], [key, session, 'pw-never-passed-on', 'ZENPROKEY_nope']), verbose.join()).toBe(-1);
        expect(r.stderr).not.toContain(vars.ZENML_STORE_API_TOKEN);
        if (verbose.length) expect(r.stderr).toContain('/api/v1/api_token');
        else expect(r.stderr).toBe('');
      }
    } finally {
      stored.cleanup();
    }
  });

  it('environment credentials with --verbose: the key and the login token stay out of every stream', async () => {
    server.clearLog();
    const r = await box.run(['env', '--verbose'], { env });
    expect(r.exitCode).toBe(0);
    const session = server.log.find((l) => l.path === '/api/v1/api_token')!.headers.authorization!.replace(/^Bearer /, '');
    expect(leaked([r.stdout, r.stderr], [key, session, 'pw-never-passed-on'])).toBe(-1);
    expect(r.stdout).not.toContain('ZENML_STORE_API_KEY');
    expect(box.files()).toEqual([]);
  });

  it.runIf(existsSync('/usr/bin/script'))('on a terminal, a note on stderr says that the output holds a token', async () => {
    const cmd = ['node', BIN, 'env'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const t = await execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, ...env, TERM: 'xterm' }, extendEnv: false, reject: false });
    expect(t.exitCode).toBe(0);
    expect(t.stdout).toContain('export ZENML_STORE_API_TOKEN=');
    expect(t.stdout).toMatch(/note: this output contains an access token \(it expires .*\): anyone who reads it can use it/);
  });
});
