/** `call`: any request, its flags, its error shapes, and --paginate. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, Sandbox } from '../support/cli.js';

let server: Standin;
let box: Sandbox;
let key: string;
let saId: string;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  saId = server.createServiceAccount('caller').id;
  key = server.createApiKey('caller', 'k').key;
  server.seedItems('pipelines', 95);
  box = new Sandbox();
  const r = await box.run(['login', server.url, '--api-key', '-'], { input: key });
  expect(r.exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

const lastRequest = (path: string) => server.log.filter((l) => l.path === path).at(-1)!;

describe('call', () => {
  it('GETs a path relative to /api/v1 and prints the body unchanged when piped', async () => {
    const r = await box.run(['call', 'current-user']);
    expect(r.exitCode).toBe(0);
    // Compact JSON exactly as the server sent it (no pretty-printing when piped).
    expect(r.stdout).toBe(JSON.stringify(JSON.parse(r.stdout)));
    expect(JSON.parse(r.stdout).id).toBe(saId);
  });

  it('accepts /api/v1/… paths, root paths and a URL on the same origin', async () => {
    expect((await box.run(['call', '/api/v1/current-user'])).exitCode).toBe(0);
    const h = await box.run(['call', '/health']);
    expect(h.stdout).toBe('ok');
    const u = await box.run(['call', `${server.url}/api/v1/info`]);
    expect(JSON.parse(u.stdout).version).toMatch(/^0\.9/);
  });

  it('refuses a URL on another host (exit 2) before sending anything', async () => {
    server.clearLog();
    const r = await box.run(['call', 'https://evil.example.com/api/v1/current-user']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('refusing to send credentials');
    expect(server.log).toHaveLength(0);
  });

  it('encodes -q values and passes ZenML filters through', async () => {
    const r = await box.run(['call', 'pipelines', '-q', 'name=contains:pipeline-1', '-q', 'size=5']);
    expect(r.exitCode).toBe(0);
    expect(lastRequest('/api/v1/pipelines').query).toEqual({ name: 'contains:pipeline-1', size: '5' });
    const page = JSON.parse(r.stdout);
    expect(page.max_size).toBe(5);
    for (const item of page.items) expect(item.name).toContain('pipeline-1');
  });

  it('builds JSON bodies from -f and -F, with nested keys, and POSTs by default', async () => {
    const file = join(box.dir, 'desc.txt');
    writeFileSync(file, 'from a file');
    const r = await box.run(['call', 'service_accounts', '-f', 'name=made-by-call', '-F', 'active=true', '-F', `description=@${file}`]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const req = lastRequest('/api/v1/service_accounts');
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ name: 'made-by-call', active: true, description: 'from a file' });
    expect(JSON.parse(r.stdout).metadata.description).toBe('from a file');
  });

  it('nests a[b]=c and a[]=x', async () => {
    await box.run(['call', 'PUT', 'service_accounts/made-by-call', '-F', 'meta[size]=3', '-F', 'tags[]=a', '-f', 'tags[]=b']);
    const req = lastRequest('/api/v1/service_accounts/made-by-call');
    expect(JSON.parse(req.body)).toEqual({ meta: { size: 3 }, tags: ['a', 'b'] });
  });

  it('sends --input from stdin and a form with --form', async () => {
    const r = await box.run(['call', 'PUT', `service_accounts/${saId}`, '--input', '-'], { input: '{"description":"via stdin"}' });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).metadata.description).toBe('via stdin');
    server.clearLog();
    await box.run(['call', 'POST', 'login', '--form', '-f', 'grant_type=bogus', '-f', 'username=x']);
    const req = lastRequest('/api/v1/login');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.body).toBe('grant_type=bogus&username=x');
  });

  it('prints the error body on stdout and one line on stderr, exit 1', async () => {
    const r = await box.run(['call', 'service_accounts/does-not-exist']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ detail: ['KeyError', "\"No service account with the 'does-not-exist' name or ID was found\""] });
    expect(r.stderr).toBe("zenml-api: HTTP 404: KeyError: No service account with the 'does-not-exist' name or ID was found\n");

    const dup = await box.run(['call', 'POST', 'service_accounts', '-f', 'name=caller', '-F', 'active=true']);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toMatch(/^zenml-api: HTTP 409: EntityExistsError: Unable to create service account with name 'caller'/);

    const invalid = await box.run(['call', 'POST', 'service_accounts', '-f', 'description=x']);
    expect(invalid.exitCode).toBe(1);
    // A validation error: one line per problem (test/e2e/surface.test.ts has the details).
    expect(invalid.stderr).toBe('zenml-api: HTTP 422: 2 problems with the request:\n  body.name: field required\n  body.active: field required\n');

    const method = await box.run(['call', 'DELETE', 'info']);
    expect(method.exitCode).toBe(1);
    expect(method.stderr).toBe('zenml-api: HTTP 405: Method Not Allowed\n');
  });

  it('a user Authorization header wins (and a bad one gets exit 4)', async () => {
    server.clearLog();
    const r = await box.run(['call', 'current-user', '-H', 'Authorization: Bearer nope']);
    expect(r.exitCode).toBe(4);
    expect(lastRequest('/api/v1/current-user').headers.authorization).toBe('Bearer nope');
    expect(server.count('POST', '/api/v1/login')).toBe(0);
  });

  it('-i prints the status line and headers; --silent prints nothing', async () => {
    const i = await box.run(['call', 'info', '-i']);
    expect(i.stdout).toMatch(/^HTTP\/1\.1 200 OK\n(?:[a-z-]+: .*\n)+\n\{/);
    const missing = await box.run(['call', 'nope', '-i']);
    expect(missing.stdout).toMatch(/^HTTP\/1\.1 404 Not Found\n/);
    expect(i.stdout).toContain('\ncontent-type: application/json\n');
    const s = await box.run(['call', 'info', '--silent']);
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toBe('');
  });

  it('passes non-JSON bodies through untouched', async () => {
    const r = await box.run(['call', '/docs']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/<html/i);
  });

  it('retries 429 and 503 with Retry-After', async () => {
    server.clearLog();
    server.addFault({ path: '/api/v1/info', kind: 'status', status: 429, retryAfter: '1', times: 1 });
    server.addFault({ path: '/api/v1/info', kind: 'status', status: 503, retryAfter: '0', times: 1 });
    const r = await box.run(['call', 'info']);
    expect(r.exitCode).toBe(0);
    const statuses = server.log.filter((l) => l.path === '/api/v1/info').map((l) => l.status);
    expect(statuses).toEqual([429, 503, 200]);
    const times = server.log.filter((l) => l.path === '/api/v1/info').map((l) => l.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
  });

  it('refuses bad input with exit 2 and one line', async () => {
    const cases = [
      ['call', 'current-user', '-H', 'no colon here'],
      ['call', 'current-user', '-F', 'x={not json'],
      ['call', 'current-user', '-F', 'x=@/nonexistent/file'],
      ['call', 'current-user', '-F', `x=@${box.dir}`],
      ['call', 'current-user', '-q', 'novalue'],
      ['call', 'BREW', 'current-user'],
      ['call', 'current-user', '--concurrency', '0', '--paginate'],
      ['call', 'POST', 'x', '--input', '/nonexistent'],
    ];
    for (const args of cases) {
      const r = await box.run(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(/^zenml-api: /);
    }
  });

  it('ends quietly with exit 0 when stdout is closed early', async () => {
    const r = await execa('bash', ['-c', `set -o pipefail; node "${BIN}" call pipelines --paginate --jsonl | head -n 2`], {
      env: { ...box.env },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('');
  });
});

describe('call --paginate', () => {
  it('fetches every page concurrently and prints one array in order', async () => {
    server.clearLog();
    const r = await box.run(['call', 'pipelines', '--paginate', '-q', 'size=10']);
    expect(r.exitCode).toBe(0);
    const items = JSON.parse(r.stdout);
    expect(items).toHaveLength(95);
    const direct = JSON.parse((await box.run(['call', 'pipelines', '-q', 'size=100'])).stdout).items;
    expect(items.map((i: { id: string }) => i.id)).toEqual(direct.map((i: { id: string }) => i.id));
    const pages = server.log.filter((l) => l.path === '/api/v1/pipelines' && l.query.size === '10').map((l) => l.query.page ?? '1');
    expect(pages.sort()).toEqual(['1', '10', '2', '3', '4', '5', '6', '7', '8', '9'].sort());
  });

  it('keeps 6 pages in flight by default, and --concurrency N pages when asked', async () => {
    server.latencyMs = 100; // long enough that the pages of one round overlap even on a loaded machine
    try {
      server.clearLog();
      expect((await box.run(['call', 'pipelines', '--paginate', '--jsonl', '-q', 'size=5'])).exitCode).toBe(0);
      expect(server.maxInFlight).toBe(6);
      server.clearLog();
      expect((await box.run(['call', 'pipelines', '--paginate', '--jsonl', '-q', 'size=5', '--concurrency', '2'])).exitCode).toBe(0);
      expect(server.maxInFlight).toBe(2);
    } finally {
      server.latencyMs = 0;
    }
  });

  it('writes one item per line with --jsonl', async () => {
    const r = await box.run(['call', 'pipelines', '--paginate', '--jsonl', '-q', 'size=30']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(95);
    expect(JSON.parse(lines[0]!).name).toBeTruthy();
  });

  it('handles 0 and 1 pages', async () => {
    const none = await box.run(['call', 'pipelines', '--paginate', '-q', 'name=nothing-matches']);
    expect(none.exitCode).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const one = await box.run(['call', 'pipelines', '--paginate', '-q', 'size=1000']);
    expect(JSON.parse(one.stdout)).toHaveLength(95);
  });

  it('fails with exit 1 naming the page, and never closes the array', async () => {
    server.addFault({ path: '/api/v1/pipelines', kind: 'status', status: 500, body: '{"detail":"boom"}', times: 1, query: { page: '4' } } as never);
    const r = await box.run(['call', 'pipelines', '--paginate', '-q', 'size=10']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/page 4 of 10 failed: HTTP 500/);
    expect(r.stdout.startsWith('[')).toBe(true);
    expect(r.stdout.trimEnd().endsWith(']')).toBe(false);
  });
});
