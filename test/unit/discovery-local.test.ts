/** API discovery on local state: the cache files, `call`'s hints, the completion engine, `docs`' opener. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, cachedEntry, readCachedDocument, readCachedIndex, safeVersion, writeCachedIndex } from '../../src/discovery/cache.js';
import { callHints } from '../../src/discovery/hints.js';
import { buildIndex, parseDocument, type ApiIndex, type Operation } from '../../src/discovery/openapi.js';
import { complete, formatCandidates, pathCandidates, type CompletionSources } from '../../src/commands/completion/complete.js';
import { script } from '../../src/commands/completion/scripts.js';
import { browserCommand } from '../../src/commands/docs/run.js';
import { fakeCtx } from '../support/fake-ctx.js';
import { buildProgram } from '../../src/program.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/openapi/zenml-0.58.0.json');
const SERVER = 'http://zenml.test:8080';

let index: ApiIndex<Operation>;
beforeAll(() => {
  index = buildIndex(parseDocument(readFileSync(FIXTURE, 'utf8'), `${SERVER}/openapi.json`), {
    server: SERVER,
    serverVersion: '0.58.0',
    fetchedAt: '2026-01-01T00:00:00.000Z',
  });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zenml-api-discovery-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cache', () => {
  it('writes the digest and a manifest, private and atomic, and reads them back', async () => {
    const file = await writeCachedIndex(dir, index);
    expect(file).toMatch(/cache\/openapi\/[0-9a-f]{12}-0\.58\.0\.json$/);
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    expect(statSync(cacheDir(dir)).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(cacheDir(dir))) expect(statSync(join(cacheDir(dir), f)).mode & 0o777).toBe(0o600);
    expect(readdirSync(cacheDir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(cachedEntry(dir, SERVER)).toMatchObject({ version: '0.58.0', operations: 185 });
    const light = readCachedIndex(dir, SERVER)!;
    expect(light.operations).toHaveLength(185);
    expect(light.operations[0]).not.toHaveProperty('params');
    expect(readCachedDocument(dir, SERVER, '0.58.0')!.operations.find((o) => o.method === 'POST' && o.path === '/api/v1/service_accounts')!.body!.type).toBe(
      'ServiceAccountRequest',
    );
    expect(readFileSync(file, 'utf8').length).toBeLessThan(readFileSync(file.replace(/\.json$/, '.full.json'), 'utf8').length / 4);
    expect(readCachedIndex(dir, SERVER, '0.58.0')).toBeDefined();
    expect(readCachedIndex(dir, SERVER, '0.93.0')).toBeUndefined();
    expect(readCachedIndex(dir, 'http://other.test')).toBeUndefined();
  });

  it('replaces the previous version of the same server, keeps other servers', async () => {
    await writeCachedIndex(dir, index);
    await writeCachedIndex(dir, { ...index, server: 'http://other.test' });
    await writeCachedIndex(dir, { ...index, serverVersion: '0.93.0' });
    const files = readdirSync(cacheDir(dir)).filter((f) => f !== 'index.json' && f !== 'index.lock').sort();
    expect(files).toHaveLength(4); // a summary and a full file per server
    expect(files.filter((f) => f.includes('-0.93.0.'))).toHaveLength(2);
    expect(files.filter((f) => f.includes('-0.58.0.'))).toHaveLength(2); // the other server's
    expect(cachedEntry(dir, SERVER)!.version).toBe('0.93.0');
    expect(cachedEntry(dir, 'http://other.test')!.version).toBe('0.58.0');
  });

  it('treats a damaged manifest or digest as no cache', async () => {
    const file = await writeCachedIndex(dir, index);
    writeFileSync(file, '{"format":1,');
    expect(readCachedIndex(dir, SERVER)).toBeUndefined();
    writeFileSync(join(cacheDir(dir), 'index.json'), 'garbage');
    expect(cachedEntry(dir, SERVER)).toBeUndefined();
    // A manifest pointing outside the folder is ignored.
    writeFileSync(join(cacheDir(dir), 'index.json'), JSON.stringify({ format: 1, servers: { [SERVER]: { version: '1', file: '../../config.json' } } }));
    expect(cachedEntry(dir, SERVER)).toBeUndefined();
  });

  it('makes versions safe as file names', () => {
    expect(safeVersion('0.58.0')).toBe('0.58.0');
    expect(safeVersion('../../x')).toBe('__.._x'); // no separators, no leading dot
    expect(safeVersion('')).toBe('unknown');
  });
});

describe('call hints', () => {
  const url = (p: string) => new URL(`${SERVER}${p}`);

  it('say nothing without a cache', () => {
    const { ctx, err } = fakeCtx({ ZENML_API_CONFIG_DIR: dir });
    const h = callHints(ctx, SERVER, 'GET', url('/api/v1/service_acounts'), [['nmae', 'x']]);
    h.after(404);
    expect(err).toEqual([]);
  });

  it('warn about query parameters the operation does not take, and suggest paths after a 404', async () => {
    await writeCachedIndex(dir, index);
    const { ctx, err } = fakeCtx({ ZENML_API_CONFIG_DIR: dir });
    callHints(ctx, SERVER, 'GET', url('/api/v1/service_accounts'), [['nmae', 'x'], ['size', '5'], ['nmae', 'y']]).after(200);
    expect(err).toEqual(['warning: GET /api/v1/service_accounts takes no query parameter "nmae" (did you mean name?); sending it anyway']);
    err.length = 0;
    callHints(ctx, SERVER, 'GET', url('/api/v1/service_acounts'), []).after(404);
    expect(err).toEqual(["hint: GET /api/v1/service_acounts is not in the server's API document; did you mean /api/v1/service_accounts?"]);
    err.length = 0;
    callHints(ctx, SERVER, 'POST', url('/api/v1/current-user'), []).after(405);
    expect(err[0]).toContain('did you mean GET /api/v1/current-user?');
    err.length = 0;
    callHints(ctx, SERVER, 'GET', url('/api/v1/no/such/thing/here'), []).after(404);
    expect(err).toEqual(["hint: GET /api/v1/no/such/thing/here is not in the server's API document; see `zenml-api endpoints`"]);
    err.length = 0;
    callHints(ctx, SERVER, 'GET', url('/api/v1/service_accounts/nobody'), []).after(404); // documented: the 404 is about the entity
    expect(err).toEqual([]);
  });

  it('never throw, even on a broken cache', async () => {
    const file = await writeCachedIndex(dir, index);
    writeFileSync(file, JSON.stringify({ format: 1, server: SERVER, serverVersion: '0.58.0', operations: [null, { path: 3 }] }));
    expect(readCachedIndex(dir, SERVER)).toBeUndefined(); // a damaged file is no cache
    const { ctx } = fakeCtx({ ZENML_API_CONFIG_DIR: dir });
    const h = callHints(ctx, SERVER, 'GET', url('/x'), [['a', 'b']]);
    expect(() => h.after(404)).not.toThrow();
  });
});

describe('completion engine', () => {
  const { ctx } = fakeCtx({ ZENML_API_CONFIG_DIR: '/nonexistent' });
  const program = buildProgram(ctx);
  const src = (ix: ApiIndex | undefined = undefined): CompletionSources => ({ profiles: () => ['default', 'prod'], index: () => ix });
  const values = (words: string[], ix?: ApiIndex) => complete(program, words, src(ix)).map((c) => c.value);

  it('completes commands and subcommands from the commander program, hiding hidden ones', () => {
    const top = values(['']);
    for (const c of ['login', 'call', 'endpoints', 'docs', 'completion', 'service-account', 'help']) expect(top).toContain(c);
    expect(top).not.toContain('__complete');
    expect(values(['pro', ''])).toEqual(expect.arrayContaining(['login', 'token']));
    expect(values(['endpoints', 'd'])).toEqual(['describe']);
    expect(values(['help', 'end'])).toEqual(['endpoints']);
  });

  it('completes flags of the command at the cursor', () => {
    expect(values(['call', '--pag'])).toEqual(['--paginate']);
    expect(values(['endpoints', '--'])).toEqual(expect.arrayContaining(['--method', '--tag', '--json', '--refresh', '--profile']));
    expect(values(['call', '-'])).toEqual(expect.arrayContaining(['-X', '-q', '--method']));
  });

  it('completes option values: profiles, methods, tags, and --opt=value', () => {
    expect(values(['call', '--profile', ''])).toEqual(['default', 'prod']);
    expect(values(['call', '--profile=p'])).toEqual(['--profile=prod']);
    expect(values(['endpoints', '--tag', 'api'], index)).toEqual(['api_keys']);
    expect(values(['call', '-X', 'P'])).toEqual(['POST', 'PUT', 'PATCH']);
    expect(values(['call', '--input', ''])).toEqual([]); // files: left to the shell
    expect(values(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(values(['profile', 'use', 'p'])).toEqual(['prod']);
  });

  it('completes call paths from the cached index, with methods, after options', () => {
    expect(values(['call', 'service_accounts/ci-bot/api'], index)).toEqual([
      'service_accounts/ci-bot/api_keys',
      'service_accounts/ci-bot/api_keys/{api_key_name_or_id}',
      'service_accounts/ci-bot/api_keys/{api_key_name_or_id}/rotate',
    ]);
    expect(values(['call', '--profile', 'prod', 'PUT', 'service_accounts/x/api_keys/k/'], index)).toEqual(['service_accounts/x/api_keys/k/rotate']);
    expect(values(['call', 'PO'], index)).toEqual(['POST']);
    expect(values(['call', '/api/v1/current'], index)).toEqual(['/api/v1/current-user']);
    expect(values(['call', '/he'], index)).toEqual(['/health']);
    expect(values(['call', 'he'], index)).toEqual([]); // /health is outside /api/v1
    expect(values(['call', 'serv'])).toEqual([]); // no cache, no paths
    expect(values(['endpoints', 'describe', 'PATCH', ''], index)).toHaveLength(1);
    expect(values(['endpoints', 'service_acc'], index)).toContain('service_accounts');
  });

  it('prints value<TAB>description lines', () => {
    const out = formatCandidates(complete(program, ['call', 'service_accounts'], src(index)));
    expect(out.split('\n')[0]).toBe('service_accounts\tGET POST · List Service Accounts');
    expect(formatCandidates([])).toBe('');
    expect(pathCandidates(index, 'users/').length).toBeGreaterThan(0);
  });

  it('has scripts for bash, zsh and fish that call back __complete', () => {
    for (const s of ['bash', 'zsh', 'fish'] as const) expect(script(s)).toContain('zenml-api __complete --');
    expect(script('zsh').startsWith('#compdef zenml-api\n')).toBe(true);
  });
});

describe('docs --web', () => {
  it('uses the platform opener', () => {
    expect(browserCommand('http://x/docs', 'linux')).toEqual({ file: 'xdg-open', args: ['http://x/docs'] });
    expect(browserCommand('http://x/docs', 'darwin')).toEqual({ file: 'open', args: ['http://x/docs'] });
    expect(browserCommand('http://x/docs?a=1&b=2', 'win32')).toEqual({ file: 'cmd', args: ['/d', '/s', '/c', 'start', '""', 'http://x/docs?a=1^&b=2'] });
  });
});
