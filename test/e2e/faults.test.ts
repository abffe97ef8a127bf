/**
 * Fault suite: a flaky network and misbehaving servers, proxies and TLS, through the binary.
 * Every failure must end in one clear stderr line and the documented exit code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';

let server: Standin;
let box: Sandbox;
let key: string;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  server.createServiceAccount('faulty');
  key = server.createApiKey('faulty', 'k').key;
  server.seedItems('pipelines', 30);
  box = new Sandbox();
  expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

const oneLine = (s: string) => s.trim().split('\n').length === 1;
const INFO = '/api/v1/info';

describe('transient faults are retried', () => {
  it.each([
    ['a reset connection', { kind: 'reset' as const }],
    ['a connection reset mid-body', { kind: 'resetMidBody' as const }],
    ['a truncated body', { kind: 'truncated' as const }],
    ['an HTML 502 from a proxy', { kind: 'html502' as const }],
    ['a 503 with Retry-After: 0', { kind: 'status' as const, status: 503, retryAfter: '0' }],
    ['a 429 without Retry-After', { kind: 'status' as const, status: 429, body: '{"error":"Server too busy. Please try again later."}' }],
    ['a 502 without a body', { kind: 'status' as const, status: 502, body: '' }],
    ['a 504', { kind: 'status' as const, status: 504, body: '{"detail":"Gateway Timeout"}' }],
  ])('%s, twice, then success', async (_name, fault) => {
    server.clearLog();
    server.addFault({ path: INFO, times: 2, ...fault } as never);
    const r = await box.run(['call', 'info', '--verbose']);
    expect(r.stderr, `${r.stderr}\n${JSON.stringify(server.log.map((l) => [l.path, l.status]))}`).not.toContain('zenml-api:');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe(server.serverId);
    expect(server.count('GET', INFO), `${r.stderr}\n${JSON.stringify(server.log.map((l) => [l.path, l.status]))}`).toBe(3);
  });
});

describe('persistent faults fail clearly', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['a storm of 503s with Retry-After', { kind: 'status', status: 503, retryAfter: '0' }, /^zenml-api: HTTP 503: /],
    ['a storm of 429s without Retry-After', { kind: 'status', status: 429, body: '{"error":"Server too busy. Please try again later."}' }, /^zenml-api: HTTP 429: Server too busy\. Please try again later\./],
    ['an HTML 502 page', { kind: 'html502' }, /^zenml-api: HTTP 502: an HTML page .*not a ZenML API response/],
    ['connection resets', { kind: 'reset' }, /^zenml-api: connection to 127\.0\.0\.1:\d+ was reset/],
    ['truncated bodies', { kind: 'truncated' }, /^zenml-api: (the answer from 127\.0\.0\.1:\d+ was cut short|connection to 127\.0\.0\.1:\d+ was reset)/],
  ];
  it.each(cases)('%s: exit 1 after a bounded number of attempts', async (_name, fault, message) => {
    server.clearLog();
    server.clearFaults();
    server.addFault({ path: INFO, times: Infinity, ...fault } as never);
    try {
      const r = await box.run(['call', 'info']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(oneLine(r.stderr)).toBe(true);
      expect(server.count('GET', INFO)).toBe(5);
    } finally {
      server.clearFaults();
    }
  });

  it('a body that never ends times out with exit 1 (--timeout)', async () => {
    server.addFault({ path: INFO, kind: 'hang', times: 1 });
    const r = await box.run(['current-user', '--timeout', '1'], {});
    // current-user is not the hanging route; info is: use call.
    expect(r.exitCode).toBe(0);
    const h = await box.run(['call', 'info', '--timeout', '1']);
    expect(h.exitCode).toBe(1);
    expect(h.stderr).toMatch(/^zenml-api: no complete answer from 127\.0\.0\.1:\d+ within 1 s\. Use --timeout/);
    expect(oneLine(h.stderr)).toBe(true);
    server.clearFaults();
  });

  it('ZENML_STORE_HTTP_TIMEOUT sets the deadline too', async () => {
    server.addFault({ path: INFO, kind: 'hang', times: 1 });
    const h = await box.run(['call', 'info'], { env: { ZENML_STORE_HTTP_TIMEOUT: '1' } });
    expect(h.exitCode).toBe(1);
    expect(h.stderr).toContain('within 1 s');
    server.clearFaults();
  });

  it('a non-JSON body where JSON is expected is one clear line, exit 1', async () => {
    server.addFault({ path: '/api/v1/current-user', kind: 'nonjson', times: 1 });
    const r = await box.run(['current-user']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^zenml-api: 127\.0\.0\.1:\d+ answered something that is not JSON \(HTTP 200, application\/json\) where the ZenML API sends JSON\./);
    expect(oneLine(r.stderr)).toBe(true);
  });

  it('"Daily request limit exceeded." is not retried', async () => {
    server.clearLog();
    server.addFault({ path: INFO, kind: 'status', status: 429, body: '{"detail":"Daily request limit exceeded."}', times: 1 });
    const r = await box.run(['call', 'info']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('zenml-api: HTTP 429: Daily request limit exceeded.\n');
    expect(server.count('GET', INFO)).toBe(1);
  });
});

describe('interrupts', () => {
  it('Ctrl-C during --paginate exits 130 and leaves the array open', async () => {
    server.latencyMs = 300;
    try {
      const proc = box.spawn(['call', 'pipelines', '--paginate', '-q', 'size=1', '--concurrency', '1']);
      await new Promise<void>((resolve) => {
        let out = '';
        proc.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('},')) resolve();
        });
      });
      proc.kill('SIGINT');
      const r = await proc;
      expect(r.exitCode).toBe(130);
      expect(r.stdout.startsWith('[')).toBe(true);
      expect(r.stdout.trimEnd().endsWith(']')).toBe(false);
      expect(r.stderr).toBe('zenml-api: interrupted\n');
    } finally {
      server.latencyMs = 0;
    }
  });
});

const hasOpenssl = (process.env.PATH ?? '').split(':').some((p) => p !== '' && existsSync(join(p, 'openssl')));

describe.runIf(hasOpenssl)('TLS', () => {
  let certDir: string;
  let tls: Server;
  let url: string;
  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'zenml-api-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const { readFileSync } = await import('node:fs');
    const target = new URL(server.url);
    // An HTTPS front for the stand-in, with a self-signed certificate.
    tls = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (req, res) => {
      const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    }) as unknown as Server;
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => tls.close(r));
    rmSync(certDir, { recursive: true, force: true });
  });

  it('a self-signed certificate fails by default with a clear message', async () => {
    const b = new Sandbox();
    try {
      const r = await b.run(['login', url, '--api-key', '-'], { input: key });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^zenml-api: TLS: the certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. Pass its CA with `zenml-api login --ca-cert FILE`/);
      expect(oneLine(r.stderr)).toBe(true);
    } finally {
      b.cleanup();
    }
  });

  it('passes with the profile\'s --ca-cert, which later commands keep using', async () => {
    const b = new Sandbox();
    try {
      const r = await b.run(['login', url, '--api-key', '-', '--ca-cert', join(certDir, 'cert.pem')], { input: key });
      expect(r.stderr).toContain('Logged in');
      expect(r.exitCode).toBe(0);
      expect(b.config().profiles.default!.caCert).toBe(join(certDir, 'cert.pem'));
      const cu = await b.run(['current-user', '--json']);
      expect(cu.exitCode).toBe(0);
    } finally {
      b.cleanup();
    }
  });

  it('passes with --no-verify-ssl, loudly', async () => {
    const b = new Sandbox();
    try {
      const r = await b.run(['login', url, '--api-key', '-', '--no-verify-ssl'], { input: key });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/WARNING: TLS certificate verification is OFF/);
      const cu = await b.run(['current-user', '--json']);
      expect(cu.exitCode).toBe(0);
      expect(cu.stderr).toMatch(/WARNING: TLS certificate verification is OFF/);
      const env = await b.run(['call', 'info'], { env: { ZENML_STORE_VERIFY_SSL: 'false' } });
      expect(env.exitCode).toBe(0);
    } finally {
      b.cleanup();
    }
  });

  it('an HTTPS_PROXY on loopback carries the traffic (CONNECT)', async () => {
    const seen: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req, client, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const b = new Sandbox();
    try {
      const r = await b.run(['login', url, '--api-key', '-', '--ca-cert', join(certDir, 'cert.pem')], { input: key, env: { HTTPS_PROXY: proxyUrl } });
      expect(r.stderr).toContain('Logged in');
      expect(r.exitCode).toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toBe(`CONNECT ${new URL(url).host}`);
      // NO_PROXY bypasses it.
      seen.length = 0;
      const direct = await b.run(['current-user'], { env: { HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
      expect(direct.exitCode).toBe(0);
      expect(seen).toEqual([]);
    } finally {
      b.cleanup();
      proxy.closeAllConnections?.();
      await new Promise((r) => proxy.close(r));
    }
  });
});

describe('an HTTP_PROXY for plain http', () => {
  it('sends absolute-form requests through the proxy', async () => {
    const seen: string[] = [];
    const proxy = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const u = new URL(req.url!);
      const up = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const r = await box.run(['call', 'info'], { env: { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } });
      expect(r.exitCode).toBe(0);
      expect(seen).toEqual([`GET ${server.url}/api/v1/info`]);
    } finally {
      proxy.closeAllConnections?.();
      await new Promise((r) => proxy.close(r));
    }
  });
});

