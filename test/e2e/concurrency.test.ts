/**
 * 50 processes mixing token, login and logout on the same profiles end with a consistent store
 * and no lost secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';

let server: Standin;
let box: Sandbox;
const keys: string[] = [];

beforeAll(async () => {
  server = await startStandin({ version: '0.9x', tokenLifetimeSeconds: 3600 });
  for (let i = 0; i < 3; i++) {
    server.createServiceAccount(`conc-${i}`);
    keys.push(server.createApiKey(`conc-${i}`, 'k').key);
  }
  box = new Sandbox();
  for (let i = 0; i < 3; i++) {
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', `c${i}`, '--no-switch'], { input: keys[i] })).exitCode).toBe(0);
  }
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

describe('50 concurrent processes', () => {
  it('token, login and logout on the same profiles leave a consistent store', async () => {
    // A deterministic mix: mostly token calls, with logins and logouts on the three profiles.
    const ops: Array<{ args: string[]; input?: string; profile: number; kind: 'token' | 'login' | 'logout' }> = [];
    for (let i = 0; i < 50; i++) {
      const p = i % 3;
      const kind = i % 10 === 3 ? 'logout' : i % 5 === 1 ? 'login' : 'token';
      if (kind === 'login') ops.push({ args: ['login', server.url, '--api-key', '-', '--profile', `c${p}`, '--no-switch'], input: keys[p], profile: p, kind });
      else if (kind === 'logout') ops.push({ args: ['logout', '--profile', `c${p}`], profile: p, kind });
      else ops.push({ args: ['token', '--profile', `c${p}`], profile: p, kind });
    }
    const results = await Promise.all(ops.map((o) => box.run(o.args, o.input !== undefined ? { input: o.input } : {})));
    results.forEach((r, i) => {
      const o = ops[i]!;
      // token may legitimately find a profile logged out a moment before (exit 4); nothing else may fail.
      if (o.kind === 'token') expect([0, 4], `${o.args.join(' ')}: ${r.stderr}`).toContain(r.exitCode);
      else expect(r.exitCode, `${o.args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/corrupt|internal error|timed out/);
    });

    // The store is consistent: valid JSON, all profiles present, and each profile either fully
    // logged in (auth + key + token) or fully logged out.
    const cfg = box.config();
    expect(Object.keys(cfg.profiles).sort()).toEqual(['c0', 'c1', 'c2']);
    const secrets = JSON.parse(readFileSync(join(box.configDir, 'credentials.json'), 'utf8')).secrets as Record<string, string>;
    for (let p = 0; p < 3; p++) {
      const prof = cfg.profiles[`c${p}`]!;
      if (prof.auth) {
        expect(secrets[`c${p}/api-key`]).toBe(keys[p]);
      } else {
        expect(secrets[`c${p}/api-key`]).toBeUndefined();
      }
      // Every profile can be logged in again and then works: no lost or mixed-up secret.
      expect((await box.run(['login', server.url, '--api-key', '-', '--profile', `c${p}`, '--no-switch'], { input: keys[p] })).exitCode).toBe(0);
      const cu = await box.run(['current-user', '--json', '--profile', `c${p}`]);
      expect(JSON.parse(cu.stdout).name).toBe(`conc-${p}`);
    }
    const leftovers = box.files().filter((f) => /\.tmp$|\.lock$/.test(f.path));
    expect(leftovers).toEqual([]);
  }, 180_000);
});
