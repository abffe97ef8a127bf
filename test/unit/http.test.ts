import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseErrorBody } from '../../src/api/error-body.js';
import { backoffDelay, HttpClient, isRenewable401, parseRetryAfter, STREAM_AFTER_BYTES, type RetryPolicy, type TokenProvider } from '../../src/api/http.js';
import { ApiError, NetworkError, UsageError } from '../../src/errors.js';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 4, 1, 10, 0, 0);

  it('reads seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 2 ', now)).toBe(2000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('takes the first of several values', () => {
    expect(parseRetryAfter(['4', '9'], now)).toBe(4000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 01 May 2026 10:01:00 GMT', now)).toBe(60_000);
  });

  it('a date in the past means now', () => {
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
  });

  it('null when absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter([], now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 60_000 };

  it('doubles from the base delay, with equal jitter', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(75);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 0)).toBe(100);
    expect(backoffDelay(2, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
    expect(backoffDelay(4, policy, () => 1)).toBe(800);
  });

  it('is capped by maxDelayMs', () => {
    expect(backoffDelay(5, policy, () => 1)).toBe(1000);
    expect(backoffDelay(5, policy, () => 0)).toBe(500);
    expect(backoffDelay(60, policy, () => 1)).toBe(1000);
    expect(backoffDelay(2000, policy, () => 0.5)).toBe(750);
  });

  it('always lies within [ceiling/2, ceiling]', () => {
    let seed = 1;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (let retry = 1; retry <= 12; retry++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(retry, policy, rnd);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe('isRenewable401', () => {
  const p = (body: string) => parseErrorBody(401, body, 'application/json');
  const bearer = { 'www-authenticate': 'Bearer' };

  it('a string detail with WWW-Authenticate: Bearer on a protected route', () => {
    expect(isRenewable401(401, '/api/v1/current-user', bearer, p('{"detail":"Not authenticated"}'))).toBe(true);
    expect(
      isRenewable401(
        401,
        '/api/v1/current-user',
        bearer,
        p('{"detail":"Authentication error: error decoding access token. You may need to rerun zenml connect."}'),
      ),
    ).toBe(true);
  });

  it('a string detail without the header', () => {
    expect(isRenewable401(401, '/api/v1/current-user', {}, p('{"detail":"Not authenticated"}'))).toBe(true);
  });

  it('CredentialsNotValid (new servers) without the header', () => {
    const body = JSON.stringify({ detail: ['CredentialsNotValid', 'Authentication error: error decoding access token: expired.'] });
    expect(isRenewable401(401, '/api/v1/service_accounts', {}, p(body))).toBe(true);
  });

  it('only 401', () => {
    for (const status of [400, 403, 404, 500]) {
      expect(isRenewable401(status, '/api/v1/current-user', bearer, p('{"detail":"Not authenticated"}'))).toBe(false);
    }
  });

  it('never on the login routes (the credential itself is bad)', () => {
    const body = p('{"detail":["AuthorizationException","Authentication error: invalid username or password"]}');
    expect(isRenewable401(401, '/api/v1/login', {}, body)).toBe(false);
    expect(isRenewable401(401, '/api/v1/login/', bearer, p('{"detail":"Not authenticated"}'))).toBe(false);
    expect(isRenewable401(401, '/zenml/api/v1/login', bearer, p('{"detail":"Not authenticated"}'))).toBe(false);
    expect(isRenewable401(401, '/auth/login', bearer, p('{"detail":"Not authenticated"}'))).toBe(false);
    const cnv = p(JSON.stringify({ detail: ['CredentialsNotValid', 'Authentication error: invalid username or password'] }));
    expect(isRenewable401(401, '/api/v1/login', {}, cnv)).toBe(false);
  });

  it('never when the account or key "is not active"', () => {
    const old = p('{"detail":"Authentication error: API key k1 associated with service account sa is not active"}');
    expect(isRenewable401(401, '/api/v1/current-user', bearer, old)).toBe(false);
    const account = p('{"detail":"Authentication error: account bob is not active"}');
    expect(isRenewable401(401, '/api/v1/current-user', bearer, account)).toBe(false);
    const fresh = p(JSON.stringify({ detail: ['CredentialsNotValid', 'Authentication error: account bob is not active'] }));
    expect(isRenewable401(401, '/api/v1/current-user', {}, fresh)).toBe(false);
  });

  it('not for an AuthorizationException without WWW-Authenticate on another route', () => {
    const body = p(JSON.stringify({ detail: ['AuthorizationException', 'Authentication error: something'] }));
    expect(isRenewable401(401, '/api/v1/current-user', {}, body)).toBe(false);
  });

  it('an AuthorizationException with WWW-Authenticate on another route is renewable', () => {
    const body = p(JSON.stringify({ detail: ['AuthorizationException', 'Authentication error: something'] }));
    expect(isRenewable401(401, '/api/v1/current-user', bearer, body)).toBe(true);
  });

  it('a path merely containing "login" elsewhere is still a protected route', () => {
    expect(isRenewable401(401, '/api/v1/login/history', bearer, p('{"detail":"Not authenticated"}'))).toBe(true);
  });
});

describe('HttpClient.resolve', () => {
  const client = new HttpClient({ baseUrl: 'https://zenml.example.com/zenml/' });

  it('strips the trailing slash of the base URL', () => {
    expect(client.baseUrl).toBe('https://zenml.example.com/zenml');
    expect(client.origin).toBe('https://zenml.example.com');
  });

  it('joins absolute and relative paths under the root path prefix', () => {
    expect(client.resolve('/api/v1/info').href).toBe('https://zenml.example.com/zenml/api/v1/info');
    expect(client.resolve('api/v1/info').href).toBe('https://zenml.example.com/zenml/api/v1/info');
    expect(client.resolve('/health').href).toBe('https://zenml.example.com/zenml/health');
  });

  it('joins without a prefix', () => {
    const c = new HttpClient({ baseUrl: 'http://127.0.0.1:8080' });
    expect(c.resolve('/api/v1/current-user').href).toBe('http://127.0.0.1:8080/api/v1/current-user');
  });

  it('appends a query from a record (skipping undefined) or from pairs (repeats kept)', () => {
    expect(client.resolve('/api/v1/service_accounts', { page: 2, size: 50, hydrate: false, name: undefined }).href).toBe(
      'https://zenml.example.com/zenml/api/v1/service_accounts?page=2&size=50&hydrate=false',
    );
    expect(
      client.resolve('/api/v1/x', [
        ['name', 'contains:bot'],
        ['name', 'a b'],
      ]).href,
    ).toBe('https://zenml.example.com/zenml/api/v1/x?name=contains%3Abot&name=a+b');
  });

  it('keeps a query already in the path', () => {
    expect(client.resolve('/api/v1/x?page=1', { size: 5 }).href).toBe('https://zenml.example.com/zenml/api/v1/x?page=1&size=5');
  });

  it('accepts an absolute URL on the same origin', () => {
    expect(client.resolve('https://zenml.example.com/zenml/api/v1/info').href).toBe('https://zenml.example.com/zenml/api/v1/info');
    expect(client.resolve('https://zenml.example.com/openapi.json').href).toBe('https://zenml.example.com/openapi.json');
    expect(client.resolve('HTTPS://ZENML.EXAMPLE.COM:443/x').href).toBe('https://zenml.example.com/x');
  });

  it.each([
    'https://evil.example.com/api/v1/info',
    'http://zenml.example.com/api/v1/info',
    'https://zenml.example.com:8443/api/v1/info',
    'https://zenml.example.com.evil.example.com/',
    'file:///etc/passwd',
    'mailto:someone@zenml.example.com',
    'javascript:alert(1)',
    'localhost:8080/api/v1/info',
  ])('refuses %s', (url) => {
    expect(() => client.resolve(url)).toThrow(UsageError);
    expect(() => client.resolve(url)).toThrow(/^refusing to send credentials to .+: only https:\/\/zenml\.example\.com is allowed/);
  });

  it('refuses an unparsable absolute URL', () => {
    expect(() => client.resolve('http://')).toThrow(UsageError);
    expect(() => client.resolve('http://')).toThrow('not a valid URL: http://');
  });

  it('a protocol-relative or backslash path stays on the origin', () => {
    expect(client.resolve('//evil.example.com/x').host).toBe('zenml.example.com');
    expect(client.resolve('\\\\evil.example.com/x').host).toBe('zenml.example.com');
    expect(client.resolve('@evil.example.com/x').host).toBe('zenml.example.com');
  });
});

// ---------------------------------------------------------------------------------------------
// HttpClient.request against a local node:http server.

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const servers: Server[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: Handler): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler(req, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen };
}

function client(base: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  const c = new HttpClient({ baseUrl: base, retry: { baseDelayMs: 1 }, timeoutMs: 5_000, ...extra });
  clients.push(c);
  return c;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A token provider that records what it was asked. */
function tokens(list: string[], renewResult = true) {
  let i = 0;
  const calls = { token: 0, renew: [] as Array<string | null> };
  const provider: TokenProvider = {
    token: async () => {
      calls.token += 1;
      return list[Math.min(i, list.length - 1)] ?? null;
    },
    renew: async (rejected) => {
      calls.renew.push(rejected);
      i += 1;
      return renewResult;
    },
  };
  return { provider, calls };
}

describe('HttpClient.request', () => {
  it('returns a 200 with its body, sending the standard headers', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, { version: '0.58.0' }));
    const res = await client(base).request({ path: '/api/v1/info', query: { x: 1 } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ version: '0.58.0' });
    expect(res.text()).toBe('{"version":"0.58.0"}');
    expect(res.url).toBe(`${base}/api/v1/info?x=1`);
    expect(res.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    const h = seen[0]!.headers;
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toBe('/api/v1/info?x=1');
    expect(h['user-agent']).toMatch(/^zenml-api\/\S+$/);
    expect(h.accept).toBe('application/json');
    expect(h['x-request-id']).toMatch(/^[0-9a-f]{8}$/);
    expect(h['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h.origin).toBeUndefined();
  });

  it('joins the root path prefix and sends the body and caller headers', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, null));
    await client(`${base}/zenml`).request({
      method: 'post',
      path: 'api/v1/service_accounts',
      body: '{"name":"sa","active":true}',
      headers: { 'Content-Type': 'application/json', 'X-Extra': 'yes' },
    });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/zenml/api/v1/service_accounts');
    expect(seen[0]!.body).toBe('{"name":"sa","active":true}');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers['x-extra']).toBe('yes');
  });

  it('retries 503 with Retry-After: 0, reusing the Idempotency-Key, with a fresh X-Request-ID each time', async () => {
    const { base, seen } = await serve((_req, res, n) => {
      if (n < 3) json(res, 503, { detail: 'Server not ready: database unavailable' }, { 'retry-after': '0' });
      else json(res, 200, { ok: true });
    });
    const delays: number[] = [];
    const res = await client(base, {
      sleep: async (ms) => {
        delays.push(ms);
      },
    }).request({ method: 'POST', path: '/api/v1/service_accounts', body: '{}' });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(delays).toEqual([0, 0]);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    const ids = new Set(seen.map((s) => s.headers['x-request-id']));
    expect(ids.size).toBe(3);
  });

  it('retries without a Retry-After using the backoff, then gives up after maxAttempts with the last error', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 502, { detail: 'Bad Gateway' }));
    const delays: number[] = [];
    const err = await client(base, {
      retry: { baseDelayMs: 10, maxAttempts: 3 },
      random: () => 1,
      sleep: async (ms) => {
        delays.push(ms);
      },
    })
      .request({ path: '/api/v1/info' })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(delays).toEqual([10, 20]);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(502);
    expect((err as ApiError).message).toBe('HTTP 502: Bad Gateway');
    expect((err as ApiError).exitCode).toBe(1);
  });

  it('does not retry when retry: false', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 503, { detail: 'busy' }, { 'retry-after': '0' }));
    await expect(client(base).request({ path: '/x', retry: false })).rejects.toThrow('HTTP 503: busy');
    expect(seen).toHaveLength(1);
  });

  it('does not retry "Daily request limit exceeded."', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 429, { detail: 'Daily request limit exceeded.' }));
    await expect(client(base).request({ path: '/api/v1/login', method: 'POST' })).rejects.toThrow(
      'HTTP 429: Daily request limit exceeded.',
    );
    expect(seen).toHaveLength(1);
  });

  it('retries 429 "Server too busy"', async () => {
    const { base, seen } = await serve((_req, res, n) => {
      if (n === 1) json(res, 429, { error: 'Server too busy. Please try again later.' }, { 'retry-after': '0' });
      else json(res, 200, 'done');
    });
    const res = await client(base).request({ method: 'POST', path: '/api/v1/x' });
    expect(res.json()).toBe('done');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.headers['idempotency-key']).toBe(seen[1]!.headers['idempotency-key']);
  });

  it('does not retry 400/404/409/422/500', async () => {
    for (const status of [400, 404, 409, 422, 500]) {
      const { base, seen } = await serve((_req, res) => json(res, status, { detail: 'no' }, { 'retry-after': '0' }));
      await expect(client(base).request({ path: '/x' })).rejects.toThrow(`HTTP ${status}: no`);
      expect(seen).toHaveLength(1);
    }
  });

  it('sends the bearer token from the tokenProvider only', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    const { provider, calls } = tokens(['tok-one']);
    await client(base, { tokenProvider: provider }).request({ path: '/api/v1/current-user' });
    expect(seen[0]!.headers.authorization).toBe('Bearer tok-one');
    expect(calls.token).toBe(1);
  });

  it('sends no Authorization when the provider has no token, or without a provider', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    await client(base, { tokenProvider: { token: async () => null } }).request({ path: '/a' });
    await client(base).request({ path: '/b' });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it('auth: false neither asks the provider nor sends a token', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    const { provider, calls } = tokens(['tok-one']);
    await client(base, { tokenProvider: provider }).request({ path: '/api/v1/info', auth: false });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(calls.token).toBe(0);
  });

  it("a caller's Authorization header wins and the provider is not asked", async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    const { provider, calls } = tokens(['tok-one']);
    await client(base, { tokenProvider: provider }).request({ path: '/auth/login', headers: { Authorization: 'Bearer other' } });
    expect(seen[0]!.headers.authorization).toBe('Bearer other');
    expect(calls.token).toBe(0);
  });

  it('renews once on a 401 with WWW-Authenticate: Bearer and retries with the new token', async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer tok-old') json(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
      else json(res, 200, { name: 'default' });
    });
    const { provider, calls } = tokens(['tok-old', 'tok-new']);
    const res = await client(base, { tokenProvider: provider }).request({ path: '/api/v1/current-user' });
    expect(res.status).toBe(200);
    expect(calls.renew).toEqual(['tok-old']);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok-old', 'Bearer tok-new']);
  });

  it('renews only once: a second 401 is an ApiError with exit code 4', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' }));
    const { provider, calls } = tokens(['tok-a', 'tok-b', 'tok-c']);
    const err = await client(base, { tokenProvider: provider })
      .request({ path: '/api/v1/current-user' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).exitCode).toBe(4);
    expect((err as ApiError).message).toBe('HTTP 401: Not authenticated');
    expect(calls.renew).toEqual(['tok-a']);
    expect(seen).toHaveLength(2);
  });

  it('does not retry when renew() says no', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' }));
    const { provider, calls } = tokens(['tok-a'], false);
    await expect(client(base, { tokenProvider: provider }).request({ path: '/api/v1/current-user' })).rejects.toThrow(ApiError);
    expect(calls.renew).toEqual(['tok-a']);
    expect(seen).toHaveLength(1);
  });

  it('does not renew on a 401 whose detail says "is not active"', async () => {
    const detail = 'Authentication error: API key k1 associated with service account sa is not active';
    const { base, seen } = await serve((_req, res) => json(res, 401, { detail }, { 'www-authenticate': 'Bearer' }));
    const { provider, calls } = tokens(['tok-a', 'tok-b']);
    const err = await client(base, { tokenProvider: provider })
      .request({ path: '/api/v1/current-user' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).exitCode).toBe(4);
    expect((err as ApiError).message).toBe(`HTTP 401: ${detail}`);
    expect(calls.renew).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('does not renew on a 401 from /api/v1/login', async () => {
    const { base, seen } = await serve((_req, res) =>
      json(res, 401, { detail: ['AuthorizationException', 'Authentication error: invalid username or password'] }),
    );
    const { provider, calls } = tokens(['tok-a']);
    await expect(client(base, { tokenProvider: provider }).request({ method: 'POST', path: '/api/v1/login' })).rejects.toThrow(
      'HTTP 401: AuthorizationException: Authentication error: invalid username or password',
    );
    expect(calls.renew).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('does not renew when renewOn401 is false', async () => {
    const { base } = await serve((_req, res) => json(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' }));
    const { provider, calls } = tokens(['tok-a']);
    await expect(client(base, { tokenProvider: provider }).request({ path: '/x', renewOn401: false })).rejects.toThrow(ApiError);
    expect(calls.renew).toEqual([]);
  });

  it('allowErrorStatus returns the error response with its parsed error', async () => {
    const body = { detail: ['KeyError', `"No service account with the 'x' name or ID was found"`] };
    const { base } = await serve((_req, res) => json(res, 404, body));
    const res = await client(base).request({ path: '/api/v1/service_accounts/x', allowErrorStatus: true });
    expect(res.status).toBe(404);
    expect(res.json()).toEqual(body);
    expect(res.error).toEqual({
      errorClass: 'KeyError',
      message: "No service account with the 'x' name or ID was found",
      json: true,
      value: body,
    });
  });

  it('an HTTP error becomes an ApiError carrying status, class and body', async () => {
    const body = { detail: ['EntityExistsError', 'Found existing service account with this name.'] };
    const { base } = await serve((_req, res) => json(res, 409, body));
    const err = (await client(base)
      .request({ method: 'POST', path: '/api/v1/service_accounts' })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('HTTP 409: EntityExistsError: Found existing service account with this name.');
    expect(err.status).toBe(409);
    expect(err.errorClass).toBe('EntityExistsError');
    expect(err.body).toBe(JSON.stringify(body));
    expect(err.exitCode).toBe(1);
  });

  it('a connection refused is a NetworkError (after its retries)', async () => {
    const { base } = await serve((_req, res) => json(res, 200, {}));
    const s = servers.pop()!;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const delays: number[] = [];
    const err = await client(base, {
      retry: { baseDelayMs: 1, maxAttempts: 3 },
      sleep: async (ms) => {
        delays.push(ms);
      },
    })
      .request({ path: '/api/v1/info' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    const host = base.replace('http://', '');
    expect((err as NetworkError).message).toBe(`cannot connect to ${host}: connection refused`);
    expect((err as NetworkError).hint).toBe('Is the server running, and is the URL right?');
    expect((err as NetworkError).exitCode).toBe(1);
    expect(delays).toHaveLength(2);
  });

  it('a body that is not JSON makes res.json() throw a NetworkError', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('{not json');
    });
    const res = await client(base).request({ path: '/api/v1/info' });
    expect(res.text()).toBe('{not json');
    const host = base.replace('http://', '');
    expect(() => res.json()).toThrow(NetworkError);
    expect(() => res.json()).toThrow(
      `${host} answered something that is not JSON (HTTP 200, text/plain) where the ZenML API sends JSON`,
    );
  });

  it('an HTML or empty body is named as such by res.json()', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>Login</title>');
      } else {
        res.writeHead(200);
        res.end();
      }
    });
    const c = client(base);
    const host = base.replace('http://', '');
    const html = await c.request({ path: '/html' });
    expect(() => html.json()).toThrow(`${host} answered an HTML page (HTTP 200, text/html) where the ZenML API sends JSON`);
    const empty = await c.request({ path: '/empty' });
    expect(() => empty.json()).toThrow(`${host} answered an empty body (HTTP 200) where the ZenML API sends JSON`);
  });

  it('refuses another origin before sending anything', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, {}));
    const { provider, calls } = tokens(['tok-a']);
    await expect(
      client(base, { tokenProvider: provider }).request({ path: 'http://127.0.0.2:1/api/v1/info' }),
    ).rejects.toThrow(UsageError);
    expect(seen).toHaveLength(0);
    expect(calls.token).toBe(0);
  });

  it('logs redacted lines', async () => {
    const { base } = await serve((_req, res) => json(res, 200, {}));
    const lines: string[] = [];
    const fake = 'ZENKEY_' + 'x'.repeat(20);
    await client(base, { log: (l) => lines.push(l) }).request({ path: '/api/v1/info', query: { k: fake } });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toContain('x'.repeat(20));
    expect(lines[0]).toBe(`> GET ${base}/api/v1/info?k=ZENKEY_…[redacted]`);
  });
});

describe('bounded reads', () => {
  const filler = (n: number) => Buffer.alloc(n, 0x20);

  it('refuses a body past maxBytes, by Content-Length and while it arrives, in one line', async () => {
    const { base } = await serve((req, res) => {
      const chunked = req.url!.includes('chunked');
      res.writeHead(200, chunked ? {} : { 'content-length': '2048' });
      res.end(filler(2048));
    });
    for (const path of ['/declared', '/chunked']) {
      const err = await client(base).request({ path, maxBytes: 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toBe(`the answer from ${base}${path} is larger than 1024 bytes, the most zenml-api reads of one response`);
    }
    const ok = await client(base).request({ path: '/declared', maxBytes: 2048 });
    expect(ok.body.length).toBe(2048);
  });

  it('requestStream returns a body that ends early whole (retryable), and streams a longer one', async () => {
    const { base } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(filler(req.url === '/small' ? 10 : STREAM_AFTER_BYTES * 3));
    });
    const small = await client(base).requestStream({ path: '/small' });
    expect('stream' in small).toBe(false);
    expect((small as { body: Buffer }).body.length).toBe(10);
    const big = await client(base).requestStream({ path: '/big' });
    expect('stream' in big).toBe(true);
    let n = 0;
    for await (const chunk of (big as { stream: AsyncIterable<Buffer> }).stream) n += chunk.length;
    expect(n).toBe(STREAM_AFTER_BYTES * 3);
  });
});
