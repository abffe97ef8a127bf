/**
 * Hostile servers: small node:http servers on 127.0.0.1 that answer what no ZenML server would
 * (huge numbers, terminal control sequences, endless pages, redirects), driven through the built
 * binary. Every case ends in a clean result or one clear stderr line with its exit code; never an
 * internal error (the run helper fails any run that prints one) and never raw control bytes.
 */
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, failOnInternalError, Sandbox, type CliResult } from '../support/cli.js';

const hasScript = existsSync('/usr/bin/script');

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Hostile {
  url: string;
  /** Requests seen, as "METHOD /path?query". */
  hits: string[];
  close(): Promise<void>;
}

const SERVER_ID = '0e6f2d4a-8b44-4b7e-9a3c-2d1f0c9e7a11';
const USER_ID = '5a0c3b1e-7d2f-4c6a-8e9b-1f2a3b4c5d6e';

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * A server that logs in anyone: info, login and current-user answer like a 0.58 server unless
 * `routes` says otherwise. A route is "METHOD /path" (without the query) and maps to a handler,
 * or to a value sent as JSON with status 200.
 */
async function hostile(routes: Record<string, Handler | unknown> = {}): Promise<Hostile> {
  const defaults: Record<string, unknown> = {
    'GET /api/v1/info': { id: SERVER_ID, version: '0.58.0', auth_scheme: 'OAUTH2_PASSWORD_BEARER' },
    'POST /api/v1/login': { access_token: 'opaque-token-1', token_type: 'bearer', expires_in: 3600 },
    'GET /api/v1/current-user': { id: USER_ID, name: 'mallory', body: { is_service_account: true } },
  };
  const all = { ...defaults, ...routes };
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push(`${req.method} ${req.url}`);
      const route = all[`${req.method} ${new URL(req.url!, 'http://x').pathname}`];
      if (route === undefined) return json(res, 404, { detail: 'Not Found' });
      if (typeof route === 'function') return (route as Handler)(req, res, Buffer.concat(chunks).toString('utf8'));
      json(res, 200, route);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const boxes: Sandbox[] = [];
const servers: Hostile[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) b.cleanup();
  for (const s of servers.splice(0)) await s.close();
});

async function setup(routes: Record<string, Handler | unknown> = {}): Promise<{ box: Sandbox; server: Hostile }> {
  const server = await hostile(routes);
  servers.push(server);
  const box = new Sandbox();
  boxes.push(box);
  return { box, server };
}

const login = (box: Sandbox, server: Hostile, extra: string[] = []) => box.run(['login', server.url, '--api-key', '-', ...extra], { input: 'ZENKEY_hostile' });

/** One line on stderr, no raw control characters anywhere. */
function oneCleanLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  return lines[0]!;
}

const jwt = (payload: object) =>
  [Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'), Buffer.from(JSON.stringify(payload)).toString('base64url'), 'c2ln'].join('.');

describe('(3) huge numbers: expiries', () => {
  const LAST = '9999-12-31T23:59:59.000Z';
  it.each([
    ['expires_in 1e20', { access_token: 'opaque-1', token_type: 'bearer', expires_in: 1e20 }],
    ['expires_in 1e308', { access_token: 'opaque-2', token_type: 'bearer', expires_in: 1e308 }],
    ['a JWT exp of 1e20', { access_token: jwt({ sub: USER_ID, exp: 1e20 }), token_type: 'bearer', expires_in: null }],
    ['a JWT exp of 1e300', { access_token: jwt({ sub: USER_ID, exp: 1e300 }), token_type: 'bearer' }],
  ])('%s: login, token --json and status work; the expiry is the last second of year 9999', async (_name, answer) => {
    const { box, server } = await setup({ 'POST /api/v1/login': answer });
    const r = await login(box, server);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('expires 9999-12-31T23:59:59Z');
    const j = await login(box, server, ['--json']);
    expect(JSON.parse(j.stdout).token_expires_at).toBe(LAST);
    const t = await box.run(['token', '--json']);
    expect(t.exitCode, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).expires_at).toBe(LAST);
    const s = await box.run(['status']);
    expect(s.exitCode, s.stderr).toBe(0);
    const sj = await box.run(['status', '--json']);
    expect(sj.exitCode, sj.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(sj.stdout))).toContain(LAST);
  });

  it('a negative expires_in of -1e20 is a token that has expired: login says so, nothing crashes', async () => {
    const { box, server } = await setup({ 'POST /api/v1/login': { access_token: 'opaque-3', token_type: 'bearer', expires_in: -1e20 } });
    const r = await login(box, server);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = await box.run(['status', '--json']);
    expect(s.exitCode, s.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(s.stdout))).toContain('1970-01-01T00:00:00.000Z');
  });

  it('a stored expiry from an older version (1e23 ms) is read back clamped', async () => {
    const { box, server } = await setup();
    expect((await login(box, server)).exitCode).toBe(0);
    box.editStoredToken('default', (t) => {
      t.expiresAt = 1e23;
      t.obtainedAt = -1e23;
    });
    for (const args of [['token', '--json'], ['status'], ['status', '--json']]) {
      const r = await box.run(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
});

/** Clear screen, an OSC 52 clipboard write, a carriage return, DEL and a C1 CSI. */
const EVIL = 'eve\x1b[2J\x1b]52;c;cGF3bmVk\x07\rroot\x7f\x9b31m';
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

async function onTerminal(box: Sandbox, args: string[]) {
  const cmd = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, NO_COLOR: '1', TERM: 'xterm' }, extendEnv: false, reject: false });
  failOnInternalError(args, r);
  // The terminal turns \n into \r\n, and --paginate's progress line is redrawn with \r: anything
  // else that is a control character came through raw.
  return { ...r, out: r.stdout.replace(/\r\n/g, '\n').replace(/\r(?=\d+\/\d+ pages, \d+ items)/g, '') };
}

describe('(2) server text is data, never terminal control', () => {
  it('a user name with control sequences: login, status, profile list and current-user print it visibly escaped', async () => {
    const { box, server } = await setup({ 'GET /api/v1/current-user': { id: USER_ID, name: EVIL, body: {} } });
    const r = await login(box, server);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain('as eve\\x1b[2J\\x1b]52;c;cGF3bmVk\\x07\\rroot\\x7f\\x9b31m (user)');
    for (const args of [['status'], ['profile', 'list'], ['current-user'], ['profile', 'show', 'default']]) {
      const o = await box.run(args);
      expect(o.exitCode, `${args.join(' ')}: ${o.stderr}`).toBe(0);
      expect(o.stdout, args.join(' ')).not.toMatch(RAW);
      expect(o.stdout, args.join(' ')).toContain('eve\\x1b[2J');
    }
  });

  it.runIf(hasScript)('on a terminal: tables, call and its error line show escapes, never the raw bytes', async () => {
    const { box, server } = await setup({
      'GET /api/v1/current-user': { id: USER_ID, name: EVIL, body: { note: `multi\nline ${EVIL}` } },
      'GET /api/v1/things': (_q: IncomingMessage, res: ServerResponse) => json(res, 400, { detail: `bad thing ${EVIL}` }),
      'GET /api/v1/text': (_q: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`plain ${EVIL}\n`);
      },
    });
    expect((await login(box, server)).exitCode).toBe(0);
    for (const args of [['current-user'], ['status'], ['profile', 'list'], ['call', 'current-user'], ['call', 'things'], ['call', 'text']]) {
      const t = await onTerminal(box, args);
      expect(t.out, args.join(' ')).not.toMatch(RAW);
      expect(t.out, args.join(' ')).toMatch(/eve(\\x1b|\\u001b)\[2J/);
    }
    // JSON on a terminal is escaped as JSON escapes: DEL and C1 too.
    const c = await onTerminal(box, ['call', 'current-user']);
    expect(c.out).toContain('"name": "eve\\u001b[2J\\u001b]52;c;cGF3bmVk\\u0007\\rroot\\u007f\\u009b31m"');
    expect(JSON.parse(c.out).name).toBe(EVIL);
    const e = await onTerminal(box, ['call', 'things']);
    expect(e.exitCode).toBe(1);
    expect(e.out).toContain('zenml-api: HTTP 400: bad thing eve\\x1b[2J');
  });

  it('piped, call prints the server bytes as they came; the error line on stderr is escaped', async () => {
    const { box, server } = await setup({
      'GET /api/v1/things': (_q: IncomingMessage, res: ServerResponse) => json(res, 422, { detail: `bad thing ${EVIL}` }),
      'GET /api/v1/raw': (_q: IncomingMessage, res: ServerResponse) => json(res, 200, { name: EVIL }),
    });
    expect((await login(box, server)).exitCode).toBe(0);
    const ok = await box.run(['call', 'raw']);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).name).toBe(EVIL);
    expect(ok.stdout).toContain('\x7f\x9b31m'); // JSON.stringify leaves DEL and C1 raw: the bytes are the server's
    const bad = await box.run(['call', 'things']);
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stdout).detail).toBe(`bad thing ${EVIL}`);
    expect(oneCleanLine(bad)).toBe('zenml-api: HTTP 422: bad thing eve\\x1b[2J\\x1b]52;c;cGF3bmVk\\x07\\rroot\\x7f\\x9b31m');
  });

  it('error details of every kind reach stderr escaped: a failed login, an HTML title, a string detail', async () => {
    const { box, server } = await setup({
      'POST /api/v1/login': (_q: IncomingMessage, res: ServerResponse) => json(res, 401, { detail: ['AuthorizationException', `no ${EVIL}`] }),
    });
    const r = await login(box, server);
    expect(r.exitCode).toBe(4);
    expect(oneCleanLine(r)).toContain('no eve\\x1b[2J');
    const html = await setup({
      'GET /api/v1/info': (_q: IncomingMessage, res: ServerResponse) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(`<html><title>Bad \x1b[2J\n gateway</title></html>`);
      },
    });
    const h = await login(html.box, html.server);
    expect(h.exitCode).toBe(1);
    expect(oneCleanLine(h)).toContain('Bad \\x1b[2J');
  });

  it('the device flow: verification URL and user code from the server are escaped', async () => {
    const { box, server } = await setup({
      'POST /api/v1/device_authorization': {
        device_code: 'dc',
        user_code: `CODE\x1b]52;c;eA==\x07`,
        verification_uri: `/devices/verify\x1b[2J`,
        verification_uri_complete: `/devices/verify?code=\x1b[2J\r\x9b`,
        expires_in: 300,
        interval: 1,
      },
      'POST /api/v1/login': (_q: IncomingMessage, res: ServerResponse) => json(res, 400, { error: 'access_denied', error_description: `denied ${EVIL}` }),
    });
    const r = await box.run(['login', server.url, '--web']);
    expect(r.exitCode, r.stderr).toBe(4);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain('confirm the code CODE\\x1b]52;c;eA==\\x07:');
    expect(r.stderr).toContain('/devices/verify?code=\\x1b[2J\\r\\x9b');
  });
});

describe('(3) numbers and shapes of the login answers', () => {
  const device = (over: object) => ({
    'POST /api/v1/device_authorization': { device_code: 'dc', user_code: 'ABCD', verification_uri: '/devices/verify', expires_in: 300, interval: 1, ...over },
  });
  const denied = { 'POST /api/v1/login': (_q: IncomingMessage, res: ServerResponse) => json(res, 400, { error: 'access_denied' }) };

  it('a device code valid for 1e308 s polled every -5 s: clamped to a day and to one second', async () => {
    const { box, server } = await setup({ ...device({ expires_in: 1e308, interval: -5 }), ...denied });
    const r = await box.run(['login', server.url, '--web']);
    expect(r.exitCode, r.stderr).toBe(4);
    expect(r.stderr).toContain('the code expires in 1440 min');
    expect(r.stderr).toMatch(/^zenml-api: the login was denied/m);
  });

  it.each([
    ['an interval that is a string', { interval: '5' }],
    ['no verification_uri', { verification_uri: null }],
    ['a verification_uri that is a number', { verification_uri: 42 }],
    ['expires_in that is not a number', { expires_in: 'soon' }],
  ])('a device authorization with %s: one line, exit 1', async (_n, over) => {
    const { box, server } = await setup({ ...device(over), ...denied });
    const r = await box.run(['login', server.url, '--web']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toMatch(/answered the device authorization with JSON that is not what a ZenML server sends/);
  });

  it('a device poll that answers 200 without a token: one line, exit 1', async () => {
    const { box, server } = await setup({ ...device({}), 'POST /api/v1/login': { token_type: 'bearer' } });
    const r = await box.run(['login', server.url, '--web']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/answered the login with JSON that is not what a ZenML server sends/);
  });

  it.each([
    ['no name', { id: USER_ID }],
    ['a name that is a number', { id: USER_ID, name: 7 }],
    ['a name that is an object', { id: USER_ID, name: { first: 'x' } }],
  ])('a current user with %s: login stores nothing, one line, exit 1', async (_n, user) => {
    const { box, server } = await setup({ 'GET /api/v1/current-user': user });
    const r = await login(box, server);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toMatch(/current-user with JSON that is not what a ZenML server sends/);
    expect(box.files().map((f) => f.path.split('/').pop())).not.toContain('config.json');
  });
});

describe('(4) pagination: numbers checked, pages must be the ones asked for and carry items', () => {
  /** A list endpoint whose page n is what `answer(n)` gives: an object, or raw JSON text. */
  const list = (answer: (n: number) => unknown) => (req: IncomingMessage, res: ServerResponse) => {
    const n = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
    json(res, 200, answer(n) as object);
  };
  const item = (n: number) => ({ id: `id-${n}`, name: `item-${n}` });

  it.each([
    ['total_pages 1e309 (Infinity)', () => '{"index":1,"max_size":2,"total_pages":1e309,"total":5,"items":[{"id":"a"}]}', /page 1 of the list cannot be right: its total_pages is Infinity/],
    ['total_pages -1', () => ({ index: 1, max_size: 2, total_pages: -1, total: 5, items: [item(1)] }), /its total_pages is -1/],
    ['total_pages 2.5', () => ({ index: 1, max_size: 2, total_pages: 2.5, total: 5, items: [item(1)] }), /its total_pages is 2\.5/],
    ['a billion pages', () => ({ index: 1, max_size: 1, total_pages: 1e9, total: 1e9, items: [item(1)] }), /the list has 1000000000 pages, more than the 100000 zenml-api follows/],
    ['every page saying it is page 1', () => ({ index: 1, max_size: 1, total_pages: 50, total: 50, items: [item(1)] }), /page 2 of the list cannot be right: the server answered page 1 when asked for page 2/],
    ['an empty page 2 of 3', (n: number) => ({ index: n, max_size: 1, total_pages: 3, total: 3, items: n === 2 ? [] : [item(n)] }), /page 2 of the list cannot be right: it carries no items, yet the list has 3 pages/],
    ['more items than max_size', (n: number) => ({ index: n, max_size: 1, total_pages: 2, total: 2, items: n === 2 ? [item(2), item(3)] : [item(1)] }), /page 2 .*: it carries 2 items, more than its max_size of 1/],
    ['max_size 0', () => ({ index: 1, max_size: 0, total_pages: 1, total: 0, items: [] }), /its max_size is 0/],
    ['index NaN-like (a huge exponent)', () => '{"index":1e400,"max_size":1,"total_pages":2,"total":2,"items":[{"id":"a"}]}', /its index is Infinity/],
  ])('call --paginate, %s: stops with one line, exit 1', async (_n, answer, message) => {
    const { box, server } = await setup({ 'GET /api/v1/pipelines': list(answer) });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['call', 'pipelines', '--paginate'], { timeout: 20_000 });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toMatch(message);
    expect(server.hits.filter((h) => h.startsWith('GET /api/v1/pipelines')).length).toBeLessThanOrEqual(8);
  });

  it('a first page other than the one asked for with -q page=3', async () => {
    const { box, server } = await setup({ 'GET /api/v1/pipelines': list(() => ({ index: 1, max_size: 1, total_pages: 5, total: 5, items: [item(1)] })) });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['call', 'pipelines', '--paginate', '-q', 'page=3']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toMatch(/page 3 of the list cannot be right: the server answered page 1 when asked for page 3/);
  });

  it('a well-formed list still pages through to the end', async () => {
    const { box, server } = await setup({ 'GET /api/v1/pipelines': list((n) => ({ index: n, max_size: 2, total_pages: 3, total: 5, items: n < 3 ? [item(2 * n - 1), item(2 * n)] : [item(5)] })) });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['call', 'pipelines', '--paginate']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: string }>).map((i) => i.id)).toEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
  });

  it('service-account list follows the same rules', async () => {
    const { box, server } = await setup({ 'GET /api/v1/service_accounts': list(() => '{"index":1,"max_size":100,"total_pages":1e309,"total":1,"items":[]}') });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['service-account', 'list'], { timeout: 20_000 });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toMatch(/its total_pages is Infinity/);
  });
});

describe('(7) temp files left by a killed process', () => {
  it('a credentials temp file from a kill -9 during login is removed by the next write of the folder', async () => {
    const { box, server } = await setup();
    expect((await login(box, server)).exitCode).toBe(0);
    const left = join(box.configDir, 'credentials.json.999999.mk0abc12def.tmp');
    writeFileSync(left, '{"version":1,"secrets":{"default/api-key":"ZENKEY_leftover"}}', { mode: 0o600 });
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(left, old, old);
    const fresh = join(box.configDir, 'config.json.999998.mk0abc12deg.tmp');
    writeFileSync(fresh, '{}');
    expect((await box.run(['status'])).exitCode).toBe(0); // reads only: nothing removed yet
    expect(existsSync(left)).toBe(true);
    expect((await login(box, server)).exitCode).toBe(0);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(fresh)).toBe(true); // young: it may belong to a process still writing
  });
});

describe('(5) locks that name no owner', () => {
  it.each([['store.lock'], ['profile-default.lock']])('an empty %s (a full disk, a kill between open and write) does not block login or logout', async (name) => {
    const { box, server } = await setup();
    expect((await login(box, server)).exitCode).toBe(0);
    const lock = join(box.configDir, name);
    writeFileSync(lock, ''); // young: stale once it is 2 s old, well inside the 15 s and 60 s waits
    const r = await login(box, server);
    expect(r.exitCode, r.stderr).toBe(0);
    writeFileSync(lock, 'garbage\x00');
    const old = new Date(Date.now() - 60_000 + 5_000);
    utimesSync(lock, old, old);
    const out = await box.run(['logout']);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('(8) redirects are reported, never followed', () => {
  const redirect = (status: number, location?: string) => (_q: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, location === undefined ? {} : { location });
    res.end();
  };

  it.each([
    [302, 'https://elsewhere.example/api/v1/info', 'https://elsewhere.example/api/v1/info'],
    [301, '/new/api/v1/info', '/new/api/v1/info'],
    [307, 'http://127.0.0.1:1/api/v1/info', 'http://127.0.0.1:1/api/v1/info'],
    [308, 'http://[not a url', 'http://[not a url'],
  ])('call answered %d: stderr names where it pointed, exit 1, nothing on stdout', async (status, location, shown) => {
    const { box, server } = await setup({ 'GET /api/v1/things': redirect(status, location) });
    expect((await login(box, server)).exitCode).toBe(0);
    const c = await box.run(['call', 'things']);
    expect(c.exitCode, c.stderr).toBe(1);
    expect(c.stdout).toBe('');
    expect(oneCleanLine(c)).toContain(`zenml-api: the server redirected to ${shown.startsWith('/') ? server.url + shown : shown}; not followed`);
    expect(server.hits.filter((h) => h.includes('things'))).toHaveLength(1);
  });

  it('every command reports it: login, current-user, a POST through call, a page of --paginate; 304 without a location', async () => {
    let n = 0;
    const { box, server } = await setup({
      'GET /api/v1/current-user': (_q: IncomingMessage, res: ServerResponse) =>
        n++ === 0 ? json(res, 200, { id: USER_ID, name: 'mallory' }) : redirect(302, '/login')(_q, res),
      'POST /api/v1/things': redirect(307, '/other'),
      'GET /api/v1/cached': redirect(304),
      'GET /api/v1/pipelines': (req: IncomingMessage, res: ServerResponse) => {
        const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
        if (page === 2) return redirect(302, '/page-two')(req, res);
        json(res, 200, { index: page, max_size: 1, total_pages: 3, total: 3, items: [{ id: page }] });
      },
    });
    expect((await login(box, server)).exitCode).toBe(0);
    const cu = await box.run(['current-user']);
    expect(cu.exitCode).toBe(1);
    expect(oneCleanLine(cu)).toMatch(/^zenml-api: the server redirected to http:\/\/127\.0\.0\.1:\d+\/login; not followed\. If the server has moved/);
    const post = await box.run(['call', '-X', 'POST', 'things', '-f', 'a=1']);
    expect(post.exitCode).toBe(1);
    expect(oneCleanLine(post)).toMatch(/redirected to .*\/other; not followed/);
    expect(server.hits.filter((h) => h.startsWith('POST /api/v1/things'))).toHaveLength(1);
    const cached = await box.run(['call', 'cached']);
    expect(cached.exitCode).toBe(1);
    expect(oneCleanLine(cached)).toBe('zenml-api: the server answered HTTP 304 (a redirect without a location); not followed');
    const pages = await box.run(['call', 'pipelines', '--paginate', '--jsonl']);
    expect(pages.exitCode).toBe(1);
    expect(oneCleanLine(pages)).toMatch(/^zenml-api: page 2 of 3 failed: the server redirected to .*\/page-two; not followed/);
    const info = await setup({ 'GET /api/v1/info': redirect(301, 'https://zenml.example.com/api/v1/info') });
    const l = await login(info.box, info.server);
    expect(l.exitCode).toBe(1);
    expect(oneCleanLine(l)).toMatch(/the server redirected to https:\/\/zenml\.example\.com\/api\/v1\/info; not followed/);
    expect(info.box.files()).toEqual([]);
  });
});

describe('(9) Pro API writes are not retried once they may have been processed', () => {
  const proUser = { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Automation Bot', username: 'autobot', email: null, is_service_account: true };
  const proLogin = (box: Sandbox, server: Hostile) => box.run(['pro', 'login', '--api-key', '-', '--pro-api-url', server.url], { input: 'ZENPROKEY_hostile' });
  const status = (code: number) => (_q: IncomingMessage, res: ServerResponse) => json(res, code, { detail: `status ${code}` });

  it.each([[502], [504]])('pro login: POST /auth/login answered %d is sent once', async (code) => {
    const { box, server } = await setup({ 'POST /auth/login': status(code) });
    const r = await proLogin(box, server);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(server.hits.filter((h) => h.startsWith('POST /auth/login'))).toHaveLength(1);
  });

  it('pro login: a 503 (not processed) is still retried', async () => {
    let n = 0;
    const { box, server } = await setup({
      'POST /auth/login': (q: IncomingMessage, res: ServerResponse) =>
        n++ === 0 ? status(503)(q, res) : json(res, 200, { access_token: 'pro-opaque', token_type: 'bearer', expires_in: 3600 }),
      'GET /users/me': proUser,
    });
    const r = await proLogin(box, server);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.hits.filter((h) => h.startsWith('POST /auth/login'))).toHaveLength(2);
  });

  it('call --pro: a POST answered 504 is sent once; a GET answered 502 is retried', async () => {
    const { box, server } = await setup({
      'POST /auth/login': { access_token: 'pro-opaque', token_type: 'bearer', expires_in: 3600 },
      'GET /users/me': proUser,
      'POST /workspaces': status(504),
      'GET /workspaces': status(502),
    });
    expect((await proLogin(box, server)).exitCode).toBe(0);
    const post = await box.run(['call', '--pro', '-X', 'POST', '/workspaces', '-f', 'name=w']);
    expect(post.exitCode, post.stderr).toBe(1);
    expect(server.hits.filter((h) => h.startsWith('POST /workspaces'))).toHaveLength(1);
    const get = await box.run(['call', '--pro', '/workspaces']);
    expect(get.exitCode).toBe(1);
    expect(server.hits.filter((h) => h.startsWith('GET /workspaces')).length).toBeGreaterThan(1);
  });
});

describe('more of each kind', () => {
  const evilItem = { id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', name: `sa ${EVIL}`, body: { active: true, description: EVIL, created: '2026-01-01T00:00:00', updated: '2026-01-01T00:00:00' }, metadata: {} };
  const onePage = (items: unknown[]) => ({ index: 1, max_size: 50, total_pages: 1, total: items.length, items });
  const openapi = {
    openapi: '3.1.0',
    info: { title: 'ZenML', version: '0.58.0' },
    paths: { '/api/v1/evil': { get: { summary: `list ${EVIL}`, description: `line one\nline two ${EVIL}`, tags: [`tag${EVIL}`], parameters: [{ name: `p${EVIL}`, in: 'query', schema: { type: 'string' }, description: EVIL }] } } },
  };

  it.runIf(hasScript)('on a terminal: call --paginate, service-account list and endpoints show escapes only', async () => {
    const { box, server } = await setup({
      'GET /api/v1/pipelines': onePage([evilItem]),
      'GET /api/v1/service_accounts': onePage([evilItem]),
      'GET /openapi.json': openapi,
    });
    expect((await login(box, server)).exitCode).toBe(0);
    for (const args of [['call', 'pipelines', '--paginate'], ['service-account', 'list'], ['endpoints'], ['endpoints', 'describe', 'GET', '/api/v1/evil']]) {
      const t = await onTerminal(box, args);
      expect(t.exitCode, `${args.join(' ')}: ${t.out}`).toBe(0);
      expect(t.out, args.join(' ')).not.toMatch(RAW);
      expect(t.out, args.join(' ')).toMatch(/(\\x1b|\\u001b)\[2J/);
    }
  });

  it('a Retry-After of 10^20 seconds on a 503 storm does not make the tool wait', async () => {
    const { box, server } = await setup({
      'GET /api/v1/slow': (_q: IncomingMessage, res: ServerResponse) => json(res, 503, { detail: 'busy' }, { 'retry-after': '99999999999999999999' }),
    });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['call', 'slow'], { timeout: 20_000 });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(oneCleanLine(r)).toBe('zenml-api: HTTP 503: busy');
  });

  it('token --expires-in: a minted JWT with exp 1e20 prints a clamped expiry', async () => {
    const { box, server } = await setup({ 'GET /api/v1/api_token': JSON.stringify(jwt({ sub: USER_ID, exp: 1e20 })) });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['token', '--expires-in', '60', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).expires_at).toBe('9999-12-31T23:59:59.000Z');
  });

  it('Pro: expires_in 1e308 and a user name with control sequences', async () => {
    const { box, server } = await setup({
      'POST /auth/login': { access_token: 'pro-opaque', token_type: 'bearer', expires_in: 1e308 },
      'GET /users/me': { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: EVIL, username: EVIL, email: EVIL, is_service_account: false },
    });
    const r = await box.run(['pro', 'login', '--api-key', '-', '--pro-api-url', server.url], { input: 'ZENPROKEY_hostile' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain('expires 9999-12-31T23:59:59Z');
    const t = await box.run(['pro', 'token', '--json']);
    expect(JSON.parse(t.stdout).expires_at).toBe('9999-12-31T23:59:59.000Z');
    const me = await box.run(['pro', 'users', 'me']);
    expect(me.exitCode, me.stderr).toBe(0);
    expect(me.stdout).not.toMatch(RAW);
    expect(me.stdout).toContain('eve\\x1b[2J');
  });

  it.each([
    [['pro', 'organizations', 'list'], 'GET /organizations', [null], /answered \/organizations with JSON of an unexpected shape/],
    [['pro', 'workspaces', 'list'], 'GET /workspaces', [{ id: 'w', name: 5 }], /answered \/workspaces with JSON of an unexpected shape/],
    [['login', '--pro-workspace', 'ws'], 'GET /workspaces', [{ id: 'w', name: 'ws', status: 'available', zenml_service: { status: { server_url: 42 } } }], /workspace "ws" is not running/],
  ])('Pro lists of the wrong shape: %j gives one line', async (args, route, answer, message) => {
    const { box, server } = await setup({
      'POST /auth/login': { access_token: 'pro-opaque', token_type: 'bearer', expires_in: 3600 },
      'GET /users/me': { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'x' },
      [route]: answer,
    });
    expect((await box.run(['pro', 'login', '--api-key', '-', '--pro-api-url', server.url], { input: 'ZENPROKEY_hostile' })).exitCode).toBe(0);
    const r = await box.run(args as string[]);
    expect([1, 4]).toContain(r.exitCode);
    expect(oneCleanLine(r)).toMatch(message as RegExp);
  });

  it('status --check with a server that now answers a hostile name: escaped in the table', async () => {
    let n = 0;
    const { box, server } = await setup({
      'GET /api/v1/current-user': (_q: IncomingMessage, res: ServerResponse) => json(res, 200, { id: USER_ID, name: n++ === 0 ? 'fine' : EVIL }),
    });
    expect((await login(box, server)).exitCode).toBe(0);
    const r = await box.run(['status', '--check']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('eve\\x1b[2J');
  });
});

describe('an OpenAPI document of the wrong shape', () => {
  it.each([
    ['paths that are null', { openapi: '3.1.0', info: { version: '0.58.0' }, paths: null }],
    ['an operation that is a string', { openapi: '3.1.0', info: { version: '0.58.0' }, paths: { '/api/v1/x': { get: 'nope' } } }],
    ['parameters that are not a list', { openapi: '3.1.0', info: { version: '0.58.0' }, paths: { '/api/v1/x': { get: { parameters: 'p', summary: 5, tags: 'x' } } } }],
    ['a $ref loop', { openapi: '3.1.0', info: { version: '0.58.0' }, paths: { '/api/v1/x': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } }, components: { schemas: { A: { $ref: '#/components/schemas/A' } } } }],
    ['a document that is an array', [1, 2, 3]],
  ])('endpoints and describe with %s: a result or one line, never an internal error', async (_n, doc) => {
    const { box, server } = await setup({ 'GET /openapi.json': doc });
    expect((await login(box, server)).exitCode).toBe(0);
    for (const args of [['endpoints'], ['endpoints', 'describe', 'POST', '/api/v1/x'], ['endpoints', 'describe', 'GET', '/api/v1/x']]) {
      const r = await box.run(args);
      expect([0, 1, 2], `${args.join(' ')}: ${r.stderr}`).toContain(r.exitCode);
      if (r.exitCode !== 0) oneCleanLine(r);
    }
  });
});
