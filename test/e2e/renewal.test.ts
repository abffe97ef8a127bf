/**
 * Token renewal: expired tokens renewed from the stored key, single-flight across processes,
 * a 401 cured by one re-login, and the Idempotency-Key reused by a retried POST.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';


describe.each(['0.58', '0.9x'] as const)('renewal on a %s server', (version) => {
  let server: Standin;
  let key: string;
  let box: Sandbox;
  beforeAll(async () => {
    server = await startStandin({ version, tokenLifetimeSeconds: 3600 });
    server.createServiceAccount('renewer');
    key = server.createApiKey('renewer', 'k').key;
  });
  afterAll(() => server.close());
  afterEach(() => box?.cleanup());

  it('renews an expired token from the stored API key', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const first = (await box.run(['token'])).stdout;
    box.editStoredToken('default', (t) => {
      t.expiresAt = Date.now() - 1000;
    });
    server.clearLog();
    const r = await box.run(['token', '--json']);
    expect(r.exitCode).toBe(0);
    expect(server.count('POST', '/api/v1/login')).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Date.parse(out.expires_at)).toBeGreaterThan(Date.now() + 3000_000);
    // The renewed token is stored: the next call does not log in again.
    server.clearLog();
    const again = await box.run(['token']);
    expect(again.stdout.trim()).toBe(out.token);
    expect(server.count('POST', '/api/v1/login')).toBe(0);
    expect(first).toMatch(/^eyJ/);
  });

  // The stand-in's clock stands still, so every login yields the very token string the expired
  // one had (real servers issue byte-identical tokens within one second): only the stored
  // record's generation tells the waiters that another process renewed it.
  it('20 concurrent `token` calls on an expired token make one login, even when the new token is byte-identical', async () => {
    box = new Sandbox();
    server.freezeClock(true);
    try {
      expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
      const before = (await box.run(['token'])).stdout;
      box.editStoredToken('default', (t) => {
        t.expiresAt = Date.now() - 1000;
      });
      server.clearLog();
      const runs = await Promise.all(Array.from({ length: 20 }, () => box.run(['token'])));
      expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
      expect(runs.map((r) => r.stderr).join('')).toBe('');
      expect(new Set(runs.map((r) => r.stdout))).toEqual(new Set([before]));
      expect(server.count('POST', '/api/v1/login')).toBe(1);
    } finally {
      server.freezeClock(false);
    }
  });

  it('a 401 on a rejected token triggers one re-login and one retry', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const forged = server.mintToken('renewer', { expiresInSeconds: -3600 });
    box.editStoredToken('default', (t) => {
      t.token = forged; // the server rejects it; the client thinks it is fine
      t.expiresAt = Date.now() + 3600_000;
    });
    server.clearLog();
    const r = await box.run(['current-user', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('renewer');
    expect(server.count('POST', '/api/v1/login')).toBe(1);
    expect(server.count('GET', '/api/v1/current-user')).toBe(2);
  });

  it('a 401 that a re-login cannot cure exits 4', async () => {
    box = new Sandbox();
    const sa = server.createServiceAccount(`gone-${version.replace('.', '')}`);
    const k = server.createApiKey(sa.id, 'k').key;
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: k })).exitCode).toBe(0);
    server.setActive('service_account', sa.id, undefined, false);
    const r = await box.run(['current-user']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('is not active');
  });

  it('a retried POST carries the same Idempotency-Key', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    server.clearLog();
    server.addFault({ method: 'POST', path: '/api/v1/service_accounts', kind: 'status', status: 503, retryAfter: '0', times: 1 });
    const name = `idem-${version.replace('.', '')}`;
    const r = await box.run(['call', 'POST', 'service_accounts', '-f', `name=${name}`, '-F', 'active=true']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const posts = server.log.filter((l) => l.method === 'POST' && l.path === '/api/v1/service_accounts');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.status).toBe(503);
    expect(posts[1]!.status).toBe(200);
    expect(posts[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    expect(posts[1]!.headers['x-request-id']).not.toBe(posts[0]!.headers['x-request-id']);
  });

  it(version === '0.58' ? 'does not repeat a POST that may have been processed (no dedup on 0.58)' : 'repeats a POST after a 502 (0.9x dedupes it)', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    server.clearLog();
    server.addFault({ method: 'POST', path: '/api/v1/service_accounts', kind: 'status', status: 502, body: '', times: 1 });
    const r = await box.run(['call', 'POST', 'service_accounts', '-f', `name=maybe-${version.replace('.', '')}`, '-F', 'active=true']);
    const posts = server.log.filter((l) => l.method === 'POST' && l.path === '/api/v1/service_accounts');
    if (version === '0.58') {
      expect(posts).toHaveLength(1);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^zenml-api: HTTP 502/);
    } else {
      expect(posts).toHaveLength(2);
      expect(r.exitCode).toBe(0);
    }
  });
});
