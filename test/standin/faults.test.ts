// Fault injection, latency, the request log and close().
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { call } from './helpers.js';

describe('faults, log, close', () => {
  let s: Standin;
  beforeEach(async () => {
    s = await startStandin();
  });
  afterEach(async () => {
    await s.close();
  });

  it('latency fault and latencyMs delay requests', async () => {
    s.addFault({ path: '/health', kind: 'latency', ms: 400 });
    let t = Date.now();
    expect((await call(s.url, 'GET', '/health')).text).toBe('"OK"');
    const slow = Date.now() - t;
    expect(slow).toBeGreaterThanOrEqual(390);
    t = Date.now();
    await call(s.url, 'GET', '/health'); // the fault applied once only
    expect(Date.now() - t).toBeLessThan(slow - 200);
    s.latencyMs = 100;
    t = Date.now();
    await call(s.url, 'GET', '/api/v1/info');
    expect(Date.now() - t).toBeGreaterThanOrEqual(90);
  });

  it('status fault: status, Retry-After, default and custom bodies, times', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'status', status: 503, retryAfter: '1', times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await call(s.url, 'GET', '/api/v1/info');
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.contentType).toBe('application/json');
      expect(r.text).toBe('{"detail":"Service Unavailable"}');
    }
    expect((await call(s.url, 'GET', '/api/v1/info')).status).toBe(200);
    s.addFault({ path: '/api/v1/info', kind: 'status', status: 429 });
    expect((await call(s.url, 'GET', '/api/v1/info')).text).toBe('{"error":"Server too busy. Please try again later."}');
    s.addFault({ path: '/api/v1/info', kind: 'status', status: 500, body: 'oops', contentType: 'text/plain' });
    const r = await call(s.url, 'GET', '/api/v1/info');
    expect([r.status, r.contentType, r.text]).toEqual([500, 'text/plain', 'oops']);
  });

  it('matching by method, RegExp path and query; applied in order; Infinity; clearFaults', async () => {
    s.addFault({ method: 'POST', path: /^\/api\/v1\/log/, kind: 'status', status: 502 });
    s.addFault({ path: '/api/v1/info', query: { x: '1' }, kind: 'status', status: 504, times: Infinity });
    s.addFault({ path: '/api/v1/info', kind: 'status', status: 408 });
    expect((await call(s.url, 'GET', '/api/v1/logout')).status).toBe(200);
    expect((await call(s.url, 'POST', '/api/v1/login', { form: { username: 'default' } })).status).toBe(502);
    expect((await call(s.url, 'POST', '/api/v1/login', { form: { username: 'default' } })).status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/info', { query: { x: 1 } })).status).toBe(504);
    expect((await call(s.url, 'GET', '/api/v1/info', { query: { x: 1 } })).status).toBe(504);
    expect((await call(s.url, 'GET', '/api/v1/info')).status).toBe(408);
    expect((await call(s.url, 'GET', '/api/v1/info')).status).toBe(200);
    s.clearFaults();
    expect((await call(s.url, 'GET', '/api/v1/info', { query: { x: 1 } })).status).toBe(200);
  });

  it('reset: the socket is destroyed without a response', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'reset' });
    await expect(fetch(`${s.url}/api/v1/info`)).rejects.toThrow();
    expect(s.log.at(-1)).toMatchObject({ path: '/api/v1/info', status: 0 });
    expect((await call(s.url, 'GET', '/api/v1/info')).status).toBe(200);
  });

  it('html502: 502 with an HTML proxy page', async () => {
    s.addFault({ kind: 'html502' });
    const r = await call(s.url, 'GET', '/api/v1/current-user');
    expect(r.status).toBe(502);
    expect(r.contentType).toBe('text/html');
    expect(r.text).toContain('<title>502 Bad Gateway</title>');
  });

  it('nonjson: 200 application/json that is not JSON', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'nonjson' });
    const r = await call(s.url, 'GET', '/api/v1/info');
    expect([r.status, r.contentType, r.text]).toEqual([200, 'application/json', 'this is not json <html>']);
  });

  it('truncated: content-length larger than the body, then the socket ends', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'truncated' });
    const res = await fetch(`${s.url}/api/v1/info`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(64);
    await expect(res.text()).rejects.toThrow();
  });

  it('resetMidBody: headers and part of the real body, then the socket is destroyed', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'resetMidBody' });
    const res = await fetch(`${s.url}/api/v1/info`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(s.log.at(-1)).toMatchObject({ status: 200 });
  });

  it('hang: headers, then nothing until close(), which ends it', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'hang' });
    const res = await fetch(`${s.url}/api/v1/info`);
    expect(res.status).toBe(200);
    const body = res.text();
    let settled = false;
    void body.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    const t = Date.now();
    await s.close();
    expect(Date.now() - t).toBeLessThan(1000);
    await expect(body).rejects.toThrow();
  });

  it('close() also ends requests sleeping in a latency fault', async () => {
    s.addFault({ path: '/api/v1/info', kind: 'latency', ms: 30_000 });
    const pending = fetch(`${s.url}/api/v1/info`).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await s.close();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await pending).toBe('failed');
  });

  it('the request log: method, path, query, lower-case headers, body, status, at; count; clearLog', async () => {
    const before = Date.now();
    await call(s.url, 'POST', '/api/v1/login', { form: { username: 'default', password: '' }, headers: { 'X-Request-ID': 'abcd1234' } });
    await call(s.url, 'GET', '/api/v1/info', { query: { a: '1', b: 'two' } });
    expect(s.log).toHaveLength(2);
    const [login, info] = s.log as [(typeof s.log)[0], (typeof s.log)[0]];
    expect(login).toMatchObject({ method: 'POST', path: '/api/v1/login', query: {}, body: 'username=default&password=', status: 200 });
    expect(login.headers['x-request-id']).toBe('abcd1234');
    expect(login.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(login.at).toBeGreaterThanOrEqual(before);
    expect(info).toMatchObject({ method: 'GET', path: '/api/v1/info', query: { a: '1', b: 'two' }, body: '', status: 200 });
    expect(s.count('GET', '/api/v1/info')).toBe(1);
    expect(s.count('get', /^\/api\/v1\//)).toBe(1);
    expect(s.count('POST', /login/)).toBe(1);
    s.clearLog();
    expect(s.log).toHaveLength(0);
    expect(s.count('GET', '/api/v1/info')).toBe(0);
  });

  it('url has no trailing slash and listens on 127.0.0.1', () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
