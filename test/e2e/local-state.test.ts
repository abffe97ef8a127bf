/**
 * Damaged local state: config.json and credentials.json edited by hand, cut short or overwritten
 * with binary, run through the commands that read them. Each damage is one line naming the file
 * (and the profile and field where there is one), exit 1 or 2, and the files are left as they
 * were. Also: writes of credentials.json replace the file by rename, so a reader never sees half.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type CliResult } from '../support/cli.js';

const SEED = Number(process.env.ZENML_API_FUZZ_SEED ?? 1515);
const CASES = 36;

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let server: Server;
let url: string;
let box: Sandbox;
let configText: string;
let credentialsText: string;

beforeAll(async () => {
  // Logs in anyone; only the login before the damage should ever reach it.
  server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    const body =
      path === '/api/v1/info'
        ? { id: '6b1f7a52-3a43-4a2e-9f5c-0c1d2e3f4a5b', version: '0.58.0' }
        : path === '/api/v1/login'
          ? { access_token: 'opaque-fuzz-token', token_type: 'bearer', expires_in: 3600 }
          : { id: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6', name: 'fuzzer', body: {} };
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  box = new Sandbox();
  expect((await box.run(['login', url, '--api-key', '-'], { input: 'ZENKEY_fuzz' })).exitCode).toBe(0);
  // A second profile with every other field set, so that each can be damaged.
  const cfg = JSON.parse(readFileSync(join(box.configDir, 'config.json'), 'utf8'));
  cfg.profiles.other = {
    server: 'https://zenml.example.com',
    proApiUrl: 'https://cloudapi.zenml.io',
    caCert: '/etc/ssl/certs/ca.pem',
    verifySsl: false,
    auth: 'password',
    username: 'alice',
    proAuth: 'pro-api-key',
    storage: 'file',
    serverVersion: '0.93.0',
    serverId: 'b7c1',
    user: { id: 'u1', name: 'alice', serviceAccount: false },
    proWorkspace: { id: 'w1', name: 'ws' },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  writeFileSync(join(box.configDir, 'config.json'), `${JSON.stringify(cfg, null, 2)}\n`);
  const creds = JSON.parse(readFileSync(join(box.configDir, 'credentials.json'), 'utf8'));
  creds.secrets['other/password'] = 'hunter2-fuzz';
  creds.secrets['other/pro-api-key'] = 'ZENPROKEY_fuzz';
  writeFileSync(join(box.configDir, 'credentials.json'), `${JSON.stringify(creds, null, 2)}\n`);
  configText = readFileSync(join(box.configDir, 'config.json'), 'utf8');
  credentialsText = readFileSync(join(box.configDir, 'credentials.json'), 'utf8');
});
afterAll(async () => {
  box.cleanup();
  await new Promise<void>((r) => server.close(() => r()));
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Kind = 'string' | 'url' | 'bool' | 'object' | 'enum' | 'name' | 'version';

/** Values of every JSON type; a damage picks one its field does not accept. */
const POOL: Json[] = [null, true, false, 0, -1, 1e308, 3.5, '', 'x', 'not a url', 'ftp://h.example', '../../etc', '\u001b[2J', [], [1, 'a'], {}, { a: { b: null } }];

function wrongFor(kind: Kind, v: Json): boolean {
  switch (kind) {
    case 'string':
      return typeof v !== 'string';
    case 'url':
      return typeof v !== 'string' || !/^https?:\/\/[^/]/.test(v);
    case 'bool':
      return typeof v !== 'boolean';
    case 'object':
      return v === null || typeof v !== 'object' || Array.isArray(v);
    case 'enum':
      return true; // nothing in the pool is a valid auth, proAuth or storage value
    case 'name':
      return typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || v.includes('..');
    case 'version':
      return v !== 1;
  }
}

/** [file, path to the field, what the field must be]. */
const FIELDS: Array<['config.json' | 'credentials.json', string[], Kind]> = [
  ['config.json', ['version'], 'version'],
  ['config.json', ['current'], 'name'],
  ['config.json', ['profiles'], 'object'],
  ['config.json', ['profiles', 'default'], 'object'],
  ['config.json', ['profiles', 'other'], 'object'],
  ['config.json', ['profiles', 'default', 'server'], 'url'],
  ['config.json', ['profiles', 'other', 'proApiUrl'], 'url'],
  ['config.json', ['profiles', 'other', 'caCert'], 'string'],
  ['config.json', ['profiles', 'other', 'verifySsl'], 'bool'],
  ['config.json', ['profiles', 'default', 'auth'], 'enum'],
  ['config.json', ['profiles', 'other', 'username'], 'string'],
  ['config.json', ['profiles', 'other', 'proAuth'], 'enum'],
  ['config.json', ['profiles', 'default', 'storage'], 'enum'],
  ['config.json', ['profiles', 'default', 'serverVersion'], 'string'],
  ['config.json', ['profiles', 'default', 'serverId'], 'string'],
  ['config.json', ['profiles', 'default', 'user'], 'object'],
  ['config.json', ['profiles', 'default', 'user', 'name'], 'string'],
  ['config.json', ['profiles', 'other', 'user', 'serviceAccount'], 'bool'],
  ['config.json', ['profiles', 'other', 'proWorkspace'], 'object'],
  ['config.json', ['profiles', 'other', 'proWorkspace', 'id'], 'string'],
  ['config.json', ['profiles', 'default', 'updatedAt'], 'string'],
  ['credentials.json', ['version'], 'version'],
  ['credentials.json', ['secrets'], 'object'],
  ['credentials.json', ['secrets', 'default/access-token'], 'string'],
  ['credentials.json', ['secrets', 'default/api-key'], 'string'],
  ['credentials.json', ['secrets', 'other/password'], 'string'],
];

interface Damage {
  file: 'config.json' | 'credentials.json';
  what: string;
  bytes: Buffer;
}

function damage(rand: () => number): Damage {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const file = rand() < 0.6 ? 'config.json' : 'credentials.json';
  const text = file === 'config.json' ? configText : credentialsText;
  const r = rand();
  if (r < 0.12) {
    // Cut short anywhere before the closing brace: never valid JSON.
    const at = 1 + Math.floor(rand() * (text.lastIndexOf('}') - 1));
    return { file, what: `${file} cut at byte ${at}`, bytes: Buffer.from(text.slice(0, at)) };
  }
  if (r < 0.2) {
    const n = Math.floor(rand() * 200);
    const bytes = Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    if (n > 0) bytes[0] = 0xff; // never a JSON text by chance
    return { file, what: `${file} replaced by ${n} random bytes`, bytes };
  }
  if (r < 0.26) {
    const v = pick<Json>([[], null, 'a string', 42, [{ profiles: {} }]]);
    return { file, what: `${file} is ${JSON.stringify(v)}`, bytes: Buffer.from(JSON.stringify(v)) };
  }
  if (r < 0.32 && file === 'credentials.json') {
    const data = JSON.parse(text);
    const bad = pick(['x', 'a/b/c', '../p/api-key', 'default/', '/api-key', 'default/API_KEY']);
    data.secrets[bad] = data.secrets['default/api-key'];
    delete data.secrets['default/api-key'];
    return { file, what: `credentials.json with the account ${JSON.stringify(bad)}`, bytes: Buffer.from(JSON.stringify(data)) };
  }
  const fields = FIELDS.filter(([f]) => f === file);
  const [, path, kind] = pick(fields);
  const candidates = POOL.filter((v) => wrongFor(kind, v));
  const value = pick(candidates);
  const data = JSON.parse(text);
  let at = data;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path.at(-1)!] = value;
  return { file, what: `${file} ${path.join('.')} = ${JSON.stringify(value)}`, bytes: Buffer.from(JSON.stringify(data, null, 2)) };
}

const COMMANDS: string[][] = [['status'], ['profile', 'list'], ['token'], ['current-user'], ['call', 'info'], ['logout']];

function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(box.configDir).sort()) out[name] = readFileSync(join(box.configDir, name)).toString('base64');
  return out;
}

function problems(args: string[], d: Damage, r: CliResult): string[] {
  const found: string[] = [];
  // `profile list` reads no secrets: a damaged credentials.json is none of its business.
  const mayPass = d.file === 'credentials.json' && args[0] === 'profile';
  if (!(mayPass && r.exitCode === 0) && r.exitCode !== 1 && r.exitCode !== 2) found.push(`exit ${r.exitCode}`);
  if (r.exitCode !== 0) {
    const lines = r.stderr.trimEnd().split('\n');
    if (lines.length !== 1) found.push(`${lines.length} stderr lines`);
    if (!lines.at(-1)!.includes(d.file)) found.push('the line does not name the file');
  }
  if (/internal error|\n\s+at .+:\d+:\d+/.test(r.stderr)) found.push('internal error or stack trace');
  if (/hunter2-fuzz|ZENPROKEY_fuzz|ZENKEY_fuzz|opaque-fuzz-token/.test(r.stderr + r.stdout)) found.push('a secret was printed');
  return found;
}

describe(`damaged config.json and credentials.json (seed ${SEED}, ZENML_API_FUZZ_SEED to replay)`, () => {
  it('the undamaged state works for every command but logout (checked last)', async () => {
    for (const args of COMMANDS.slice(0, -1)) {
      const r = await box.run(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  it(`${CASES} random damages: one line naming the file, exit 1 or 2, nothing changed`, async () => {
    const rand = prng(SEED);
    const failures: string[] = [];
    const original = snapshot();
    for (let i = 0; i < CASES; i++) {
      const d = damage(rand);
      writeFileSync(join(box.configDir, d.file), d.bytes);
      const before = snapshot();
      const results = await Promise.all(COMMANDS.map((args) => box.run(args, { timeout: 30_000 })));
      results.forEach((r, k) => {
        const found = problems(COMMANDS[k]!, d, r);
        if (found.length) failures.push(`#${i} ${d.what} | ${COMMANDS[k]!.join(' ')}: ${found.join(', ')} | ${r.stderr.trim().slice(0, 300)}`);
      });
      if (JSON.stringify(snapshot()) !== JSON.stringify(before)) failures.push(`#${i} ${d.what}: a file changed`);
      writeFileSync(join(box.configDir, 'config.json'), configText);
      writeFileSync(join(box.configDir, 'credentials.json'), credentialsText);
    }
    expect(failures).toEqual([]);
    expect(snapshot()).toEqual(original);
  }, 300_000);

  it.each([
    ['config.json', '"profiles": {"a": null}', (c: Record<string, any>) => (c.profiles.a = null), /config\.json is corrupted \(profile "a" must be an object, not null\)/],
    ['config.json', '"server": 123', (c: Record<string, any>) => (c.profiles.default.server = 123), /profile "default", field "server" must be an http\(s\) URL, not a number/],
    ['config.json', '"user": {"name": 5}', (c: Record<string, any>) => (c.profiles.default.user.name = 5), /profile "default", field "user" must be an object with "id" \(a string\), "name" \(a string\)/],
    ['credentials.json', 'a secret that is a number', (c: Record<string, any>) => (c.secrets['default/api-key'] = 5), /credentials\.json is corrupted \(profile "default", secret "api-key" must be a string\)/],
  ])('%s with %s: the line names the profile and the field', async (file, _what, edit, message) => {
    const path = join(box.configDir, file);
    const data = JSON.parse(file === 'config.json' ? configText : credentialsText);
    edit(data);
    writeFileSync(path, JSON.stringify(data));
    try {
      for (const args of [['status'], ['current-user'], ['call', 'info'], ['logout']]) {
        const r = await box.run(args);
        expect(r.exitCode, r.stderr).toBe(1);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain('it was left untouched');
      }
    } finally {
      writeFileSync(join(box.configDir, 'config.json'), configText);
      writeFileSync(join(box.configDir, 'credentials.json'), credentialsText);
    }
  });
});

describe('credentials.json is replaced by rename, never written in place', () => {
  it('20 logins: each gives the file a new inode, and a reader polling throughout never sees a partial file', async () => {
    const fresh = new Sandbox();
    try {
      const path = join(fresh.configDir, 'credentials.json');
      expect((await fresh.run(['login', url, '--api-key', '-'], { input: 'ZENKEY_fuzz' })).exitCode).toBe(0);
      let reading = true;
      const seen = { reads: 0, partial: [] as string[] };
      const reader = (async () => {
        while (reading) {
          try {
            const text = readFileSync(path, 'utf8');
            seen.reads += 1;
            try {
              const data = JSON.parse(text);
              if (typeof data.secrets?.['default/api-key'] !== 'string') seen.partial.push(text.slice(0, 80));
            } catch {
              seen.partial.push(text.slice(0, 80));
            }
          } catch {
            /* between unlink and rename there is no gap with rename; ENOENT would be a bug too */
            seen.partial.push('(missing)');
          }
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const sameInode: number[] = [];
      for (let i = 0; i < 20; i++) {
        const before = statSync(path).ino;
        const r = await fresh.run(['login', url, '--api-key', '-'], { input: `ZENKEY_fuzz${i}` });
        expect(r.exitCode, r.stderr).toBe(0);
        if (statSync(path).ino === before) sameInode.push(i);
      }
      reading = false;
      await reader;
      expect(sameInode).toEqual([]);
      expect(seen.partial).toEqual([]);
      expect(seen.reads).toBeGreaterThan(20);
    } finally {
      fresh.cleanup();
    }
  }, 180_000);
});
