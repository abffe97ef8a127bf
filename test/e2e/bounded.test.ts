/**
 * Bounded reads and the request deadline, against hostile servers on loopback: a body of 1 GiB
 * (made as it is sent, never held by the test) must end the command with one line and exit 1 at
 * bounded memory; `call` streams a large body without holding it; a server that drips bytes is
 * cut off by the total deadline, not only by the silence between bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, Sandbox } from '../support/cli.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** What the tool may use at most, whatever the server sends (issue 15). */
const RSS_LIMIT = 100 * MiB;
/**
 * The same for a body under the general 16 MiB cap, which may be held whole: its chunks keep the
 * socket buffers they point into, and V8 collects garbage buffers late, so allow twice the cap.
 */
const RSS_LIMIT_GENERAL_CAP = 128 * MiB;

type Route = (req: IncomingMessage, res: ServerResponse) => void;
let routes: Record<string, Route> = {};
let server: Server;
let url: string;
let box: Sandbox;
let probeDir: string;

const INFO = { id: '5b3a5bbc-8d4e-4a6a-9d3f-1d3c2b1a0f00', version: '0.85.0', auth_scheme: 'OAUTH2_PASSWORD_BEARER' };

/** Sends `total` bytes of JSON-ish filler, made chunk by chunk as the client takes them. */
function huge(total: number, declareLength: boolean): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(total) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let gone = false;
    res.on('close', () => (gone = true));
    const pump = () => {
      while (!gone && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!gone) res.end();
    };
    pump();
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const route = routes[`${req.method} ${path}`];
    if (route) return route(req, res);
    if (path === '/api/v1/info') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INFO));
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  box = new Sandbox();
  probeDir = mkdtempSync(join(tmpdir(), 'zenml-api-probe-'));
});
afterAll(async () => {
  box.cleanup();
  rmSync(probeDir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let probes = 0;
/** The binary with the test preload (test/support/probe.cjs); its report is read after exit. */
function probed(): { env: Record<string, string>; report: () => { peakRssBytes: number } } {
  const out = join(probeDir, `probe-${++probes}.json`);
  return {
    env: { NODE_OPTIONS: `--require ${join(ROOT, 'test/support/probe.cjs')}`, ZENML_API_PROBE_OUT: out },
    report: () => JSON.parse(readFileSync(out, 'utf8')),
  };
}

const envProfile = () => ({ ZENML_STORE_URL: url, ZENML_STORE_API_TOKEN: 'opaque-test-token' });

describe('a 1 GiB body', () => {
  it.each([
    ['current-user', 'GET /api/v1/current-user', 'with its Content-Length', true, '1 MiB'],
    ['current-user', 'GET /api/v1/current-user', 'sent chunked', false, '1 MiB'],
    ['login', 'POST /api/v1/login', 'with its Content-Length', true, '1 MiB'],
    ['login', 'POST /api/v1/login', 'sent chunked', false, '1 MiB'],
    ['call --paginate', 'GET /api/v1/pipelines', 'sent chunked', false, '16 MiB'],
  ] as const)('from %s (%s, %s) ends with one line, exit 1, in bounded memory', async (command, route, _how, declared, cap) => {
    routes = { [route]: huge(GiB, declared) };
    const p = probed();
    const r =
      command === 'login'
        ? await box.run(['login', url, '--api-key', '-'], { input: 'ZENKEY_not-a-real-key', env: p.env, timeout: 30_000 })
        : await box.run(command === 'current-user' ? ['current-user'] : ['call', 'pipelines', '--paginate'], { env: { ...envProfile(), ...p.env }, timeout: 30_000 });
    const path = route.split(' ')[1];
    expect(r.stderr).toBe(`zenml-api: the answer from ${url}${path} is larger than ${cap}, the most zenml-api reads of one response\n`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(p.report().peakRssBytes).toBeLessThan(cap === '1 MiB' ? RSS_LIMIT : RSS_LIMIT_GENERAL_CAP);
  });
});

describe('call without --paginate', () => {
  it('streams a body larger than any cap to stdout without holding it', async () => {
    const size = 256 * MiB;
    routes = { 'GET /api/v1/current-user': huge(size, false) };
    const p = probed();
    const proc = execa('node', [BIN, 'call', 'current-user'], {
      env: { ...box.env, ...envProfile(), ...p.env },
      extendEnv: false,
      reject: false,
      buffer: { stdout: false },
      stdin: 'ignore',
      timeout: 60_000,
    });
    let received = 0;
    proc.stdout!.on('data', (d: Buffer) => (received += d.length));
    const r = await proc;
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(received).toBe(size);
    // Held whole, the body alone would take 256 MiB. Streamed, what is left is the garbage of
    // chunks already written, which V8 collects only after tens of MB (external memory).
    expect(p.report().peakRssBytes).toBeLessThan(size * 0.75);
  });
});

describe('the deadline of a request', () => {
  it('covers the whole answer: a server dripping a byte every 300 ms is cut off at --timeout', async () => {
    const timers = new Set<NodeJS.Timeout>();
    routes = {
      'GET /api/v1/info': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const t = setInterval(() => res.write(' '), 300); // 100 bytes would take 30 s
        timers.add(t);
        res.on('close', () => clearInterval(t));
        setTimeout(() => clearInterval(t), 30_000).unref();
      },
    };
    const started = Date.now();
    const r = await box.run(['call', 'info', '--timeout', '1'], { env: envProfile(), timeout: 30_000 });
    const took = Date.now() - started;
    for (const t of timers) clearInterval(t);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^zenml-api: no complete answer from 127\.0\.0\.1:\d+ within 1 s\. /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Far below the 30 s the drip would last; not a tight timing.
    expect(took).toBeLessThan(5_000);
  });
});
