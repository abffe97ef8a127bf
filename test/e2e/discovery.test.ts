/** `endpoints`, `endpoints describe`, `docs` and `call`'s hints, against the stand-in serving the real 0.58 document. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox, type CliResult } from '../support/cli.js';

let server: Standin;
let box: Sandbox;

beforeAll(async () => {
  server = await startStandin();
  server.createServiceAccount('caller');
  const { key } = server.createApiKey('caller', 'k');
  box = new Sandbox();
  const r = await box.run(['login', server.url, '--api-key', '-'], { input: key });
  expect(r.exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

const cacheFolder = (b: Sandbox) => join(b.configDir, 'cache', 'openapi');
const cacheFiles = (b: Sandbox) => b.files().filter((f) => f.path.startsWith(cacheFolder(b)) && !f.path.endsWith('.lock'));
const rows = (r: CliResult) => r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
const oneLine = (r: CliResult) => {
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  return r.stderr.trim();
};

describe('endpoints', () => {
  it('fetches /openapi.json once, caches a digest privately, and lists every operation', async () => {
    server.clearLog();
    const r = await box.run(['endpoints']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const all = rows(r);
    expect(all).toHaveLength(185);
    expect(all).toContainEqual(['POST', '/api/v1/service_accounts', 'Create Service Account', 'service_accounts']);
    expect(server.count('GET', '/openapi.json')).toBe(1);
    expect(server.log.find((l) => l.path === '/openapi.json')!.headers.authorization).toBeUndefined();
    // The cache: a folder 0700, files 0600, a manifest, the digest and its summary, far smaller than the document.
    expect(statSync(cacheFolder(box)).mode & 0o777).toBe(0o700);
    expect(statSync(join(box.configDir, 'cache')).mode & 0o777).toBe(0o700);
    const files = cacheFiles(box);
    expect(files.map((f) => f.path.slice(cacheFolder(box).length + 1)).sort()).toEqual([
      expect.stringMatching(/^[0-9a-f]{12}-0\.58\.0\.full\.json$/),
      expect.stringMatching(/^[0-9a-f]{12}-0\.58\.0\.json$/),
      'index.json',
    ]);
    for (const f of files) expect(f.mode).toBe(0o600);
    const size = readFileSync(join(import.meta.dirname, '../fixtures/openapi/zenml-0.58.0.json')).length;
    expect(files.find((f) => f.path.endsWith('.full.json'))!.content.length).toBeLessThan(size / 2);
    expect(files.find((f) => f.path.endsWith('-0.58.0.json'))!.content.length).toBeLessThan(size / 10);
  });

  it('answers from the cache without any request while the profile’s server version matches', async () => {
    server.clearLog();
    const r = await box.run(['endpoints', 'service_accounts']);
    expect(r.exitCode).toBe(0);
    expect(server.log).toHaveLength(0);
  });

  it('filters by substring, glob, --method and --tag; --json for scripts', async () => {
    server.clearLog();
    const sub = rows(await box.run(['endpoints', 'SERVICE_ACCOUNT']));
    expect(sub).toHaveLength(11);
    expect(sub.every(([, p]) => p!.startsWith('/api/v1/service_accounts'))).toBe(true);

    const glob = rows(await box.run(['endpoints', 'service_accounts/*/api_keys*', '--method', 'put']));
    expect(glob.map(([m, p]) => `${m} ${p}`)).toEqual([
      'PUT /api/v1/service_accounts/{service_account_id}/api_keys/{api_key_name_or_id}',
      'PUT /api/v1/service_accounts/{service_account_id}/api_keys/{api_key_name_or_id}/rotate',
    ]);

    const summary = rows(await box.run(['endpoints', 'list api ?eys']));
    expect(summary.map(([m, p]) => `${m} ${p}`)).toEqual(['GET /api/v1/service_accounts/{service_account_id}/api_keys']);

    const tagged = await box.run(['endpoints', '--tag', 'auth', '--json']);
    const ops = JSON.parse(tagged.stdout) as Array<{ method: string; path: string; tags: string[]; operationId: string }>;
    expect(ops.length).toBeGreaterThan(2);
    expect(ops.every((o) => o.tags.includes('auth'))).toBe(true);
    expect(ops).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/v1/login', operationId: 'token_api_v1_login_post' }));

    const none = await box.run(['endpoints', 'no-such-thing-anywhere']);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toBe('');
    expect(oneLine(none)).toContain('no operations match "no-such-thing-anywhere"');
    expect(server.log).toHaveLength(0);
  });

  it('refuses unknown input with exit 2 and one line', async () => {
    const method = await box.run(['endpoints', '--method', 'FETCH']);
    expect(method.exitCode).toBe(2);
    expect(oneLine(method)).toContain('unknown HTTP method "FETCH"');
    const tag = await box.run(['endpoints', '--tag', 'service_acounts']);
    expect(tag.exitCode).toBe(2);
    expect(oneLine(tag)).toBe('zenml-api: unknown tag "service_acounts" (did you mean service_accounts?)');
    const flag = await box.run(['endpoints', '--bogus']);
    expect(flag.exitCode).toBe(2);
    expect(oneLine(flag)).toContain("unknown option '--bogus'");
  });

  it('describe resolves $refs: POST service_accounts has required body fields name and active', async () => {
    const r = await box.run(['endpoints', 'describe', 'post', 'service_accounts']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('POST /api/v1/service_accounts');
    expect(r.stdout).toContain('Request body (application/json, required): ServiceAccountRequest');
    expect(r.stdout).toMatch(/\n {2}name +string +required/);
    expect(r.stdout).toMatch(/\n {2}active +boolean +required/);
    expect(r.stdout).toMatch(/\n {2}description +string +A description/);
    expect(r.stdout).toContain('Response 200 (application/json): ServiceAccountResponse');
    expect(r.stdout).toMatch(/\n {2}id +string\(uuid\) +required/);

    const json = JSON.parse((await box.run(['endpoints', 'describe', 'GET', 'service_accounts/ci-bot', '--json'])).stdout);
    expect(json.path).toBe('/api/v1/service_accounts/{service_account_name_or_id}');
    expect(json.params).toContainEqual(expect.objectContaining({ name: 'service_account_name_or_id', in: 'path', required: true }));
    expect(json.params).toContainEqual(expect.objectContaining({ name: 'hydrate', in: 'query', type: 'boolean', default: true }));

    const templ = await box.run(['endpoints', 'describe', 'PUT', '/api/v1/service_accounts/{service_account_id}/api_keys/{api_key_name_or_id}/rotate']);
    expect(templ.stdout).toMatch(/\n {2}retain_period_minutes +integer/);
  });

  it('describe: a path it does not know is exit 2 with the nearest paths', async () => {
    const typo = await box.run(['endpoints', 'describe', 'GET', 'service_acounts']);
    expect(typo.exitCode).toBe(2);
    expect(oneLine(typo)).toBe("zenml-api: GET /api/v1/service_acounts is not in the server's API document (did you mean /api/v1/service_accounts?)");
    const method = await box.run(['endpoints', 'describe', 'PATCH', 'service_accounts']);
    expect(method.exitCode).toBe(2);
    expect(oneLine(method)).toBe('zenml-api: /api/v1/service_accounts has no PATCH operation; it takes GET, POST');
    const missing = await box.run(['endpoints', 'describe', 'GET']);
    expect(missing.exitCode).toBe(2);
    expect(oneLine(missing)).toContain("missing required argument 'path'");
  });

  it('has help with examples', async () => {
    for (const args of [['endpoints'], ['endpoints', 'describe'], ['docs'], ['completion']]) {
      const r = await box.run([...args, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});

describe('call with the cached document', () => {
  it('suggests the nearest documented path after a 404 from the server', async () => {
    server.clearLog();
    const r = await box.run(['call', 'service_acounts']);
    expect(r.exitCode).toBe(1);
    expect(server.count('GET', '/api/v1/service_acounts')).toBe(1);
    expect(server.log.find((l) => l.path === '/api/v1/service_acounts')!.status).toBe(404);
    expect(server.count('GET', '/openapi.json') + server.count('GET', '/api/v1/info')).toBe(0); // hints read the cache only
    expect(r.stderr).toContain('did you mean /api/v1/service_accounts?');
    expect(r.stderr).toContain('HTTP 404');
    expect(r.stdout).toBe('{"detail":"Not Found"}');
  });

  it('after a 405, names the method the path takes', async () => {
    const r = await box.run(['call', 'POST', 'current-user']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('did you mean GET /api/v1/current-user?');
  });

  it('warns about a query parameter the operation does not take, and sends it anyway', async () => {
    server.clearLog();
    const r = await box.run(['call', 'service_accounts', '-q', 'nmae=caller']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('warning: GET /api/v1/service_accounts takes no query parameter "nmae" (did you mean name?); sending it anyway\n');
    expect(server.log.at(-1)!.query).toEqual({ nmae: 'caller' });
    const ok = await box.run(['call', 'service_accounts', '-q', 'name=caller']);
    expect(ok.stderr).toBe('');
  });
});

describe('a broken document', () => {
  // Every kind of rejection (missing paths too) is unit-tested in test/unit/discovery.test.ts.
  it('is rejected with one line and exit 1, and the cached document is kept', async () => {
    const before = cacheFiles(box);
    const bad: Array<[string, string]> = [
      ['this is not json <html>', 'is not JSON'],
      [JSON.stringify({ swagger: '2.0', paths: {} }), 'is Swagger 2.0, not OpenAPI 3'],
      [' '.repeat(20 * 1024 * 1024 + 10), 'too large'],
    ];
    for (const [body, why] of bad) {
      server.addFault({ method: 'GET', path: '/openapi.json', kind: 'status', status: 200, body, contentType: 'application/json' });
      const r = await box.run(['endpoints', '--refresh']);
      expect(r.exitCode).toBe(1);
      const what =
        why === 'too large'
          ? `the answer from ${server.url}/openapi.json is larger than 20 MiB, the most zenml-api reads of one response`
          : `the API document at ${server.url}/openapi.json ${why}`;
      expect(oneLine(r)).toBe(`zenml-api: ${what}; the cached document (version 0.58.0) was kept`);
      expect(r.stdout).toBe('');
    }
    expect(cacheFiles(box)).toEqual(before);
    server.clearLog();
    const r = await box.run(['endpoints', 'login']);
    expect(r.exitCode).toBe(0);
    expect(rows(r).length).toBeGreaterThan(0);
    expect(server.log).toHaveLength(0);
  });

  it('a server without a document: exit 1, one line', async () => {
    const none = await startStandin({ openapi: null });
    const b = new Sandbox();
    try {
      none.createServiceAccount('x');
      const { key } = none.createApiKey('x', 'k');
      expect((await b.run(['login', none.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
      const r = await b.run(['endpoints']);
      expect(r.exitCode).toBe(1);
      expect(oneLine(r)).toBe(`zenml-api: the server has no API document at ${none.url}/openapi.json (HTTP 404)`);
      expect(cacheFiles(b)).toEqual([]);
    } finally {
      b.cleanup();
      await none.close();
    }
  });
});

describe('server version changes', () => {
  it('re-login to an upgraded server at the same URL: endpoints fetches again; env credentials check /info and write nothing', async () => {
    const old = await startStandin({ version: '0.58' });
    const port = Number(new URL(old.url).port);
    const b = new Sandbox();
    let upgraded: Standin | undefined;
    try {
      old.createServiceAccount('sa');
      const { key } = old.createApiKey('sa', 'k');
      expect((await b.run(['login', old.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
      expect((await b.run(['endpoints'])).exitCode).toBe(0);
      expect(old.count('GET', '/openapi.json')).toBe(1);
      expect(cacheFiles(b).filter((f) => f.path.includes('-0.58.0.'))).toHaveLength(2);
      await old.close();

      upgraded = await startStandin({ version: '0.9x', port });
      upgraded.createServiceAccount('sa');
      const k2 = upgraded.createApiKey('sa', 'k').key;
      expect((await b.run(['login', upgraded.url, '--api-key', '-'], { input: k2 })).exitCode).toBe(0);
      expect(b.config().profiles.default!.serverVersion).toBe('0.93.0');
      upgraded.clearLog();
      const r = await b.run(['endpoints', 'service_accounts']);
      expect(r.exitCode).toBe(0);
      expect(upgraded.count('GET', '/openapi.json')).toBe(1);
      const names = cacheFiles(b).map((f) => f.path);
      expect(names.filter((p) => p.includes('-0.93.0.'))).toHaveLength(2);
      expect(names.filter((p) => p.includes('-0.58.0.'))).toEqual([]); // the old version's files are gone

      // CI: credentials from the environment, no recorded version: one /api/v1/info, no document.
      const ci = new Sandbox();
      try {
        const env = { ZENML_STORE_URL: upgraded.url, ZENML_STORE_API_KEY: k2, ZENML_API_CONFIG_DIR: b.configDir };
        upgraded.clearLog();
        expect((await ci.run(['endpoints', 'login'], { env })).exitCode).toBe(0);
        expect(upgraded.log.map((l) => `${l.method} ${l.path}`)).toEqual(['GET /api/v1/info']);
        // …and with an empty config folder, it fetches but writes nothing to disk.
        upgraded.clearLog();
        const fresh = await ci.run(['endpoints', 'login'], { env: { ...env, ZENML_API_CONFIG_DIR: ci.configDir } });
        expect(fresh.exitCode).toBe(0);
        expect(upgraded.count('GET', '/openapi.json')).toBe(1);
        expect(ci.files()).toEqual([]);
      } finally {
        ci.cleanup();
      }
    } finally {
      b.cleanup();
      await upgraded?.close();
    }
  });
});

describe('docs', () => {
  it('prints the /docs or /redoc URL of the profile’s server without a request', async () => {
    server.clearLog();
    const r = await box.run(['docs']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${server.url}/docs\n`);
    expect(JSON.parse((await box.run(['docs', '--redoc', '--json'])).stdout)).toEqual({ url: `${server.url}/redoc` });
    const web = await box.run(['docs', '--web']);
    expect(web.stdout).toBe(`${server.url}/docs\n`);
    expect(web.stderr).toContain('not on a terminal');
    expect(server.log).toHaveLength(0);
    const bad = await box.run(['docs', 'extra']);
    expect(bad.exitCode).toBe(2);
  });
});

describe('the cache folder', () => {
  it('holds only the manifest and one summary and one full digest per server', () => {
    const names = readdirSync(cacheFolder(box)).filter((f) => !f.endsWith('.lock'));
    expect(names).toHaveLength(3);
  });
});
