/**
 * What the client does with the server's version row (src/api/versions.ts): `token --expires-in`
 * against the stand-in's 0.58 (without token expiry), 0.85 and a version newer than any known.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';

describe('token --expires-in and the version row', () => {
  let server: Standin | undefined;
  let box: Sandbox | undefined;
  afterEach(async () => {
    box?.cleanup();
    await server?.close();
  });

  it('0.58 without token expiry hands a password login its own token back: said, nothing printed, exit 1', async () => {
    server = await startStandin({ version: '0.58' });
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    const own = (await box.run(['token'])).stdout.trim();
    const r = await box.run(['token', '--expires-in', '600']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("handed back this profile's own token instead of a new one that expires in 600 s");
    expect(r.stderr).not.toContain(own);
    expect(server.log.find((l) => l.path === '/api/v1/api_token')?.query).toEqual({ expires_minutes: '10' });
  });

  it('0.58 mints a fresh short-lived token for an API-key login', async () => {
    server = await startStandin({ version: '0.58' });
    const { key } = server.createApiKey(server.createServiceAccount('ci').id, 'k');
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const r = await box.run(['token', '--expires-in', '600', '--json']);
    expect(r.exitCode).toBe(0);
    const exp = Date.parse(JSON.parse(r.stdout).expires_at) / 1000 - Date.now() / 1000;
    expect(exp).toBeGreaterThan(500);
    expect(exp).toBeLessThan(700);
  });

  it('0.85 gets the generic-token parameters in seconds', async () => {
    server = await startStandin({ version: '0.85' });
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    const r = await box.run(['token', '--expires-in', '90']);
    expect(r.exitCode).toBe(0);
    expect(server.log.find((l) => l.path === '/api/v1/api_token')?.query).toEqual({ token_type: 'generic', expires_in: '90' });
  });

  it('a version newer than any known uses the newest row and says so with --verbose', async () => {
    server = await startStandin({ version: '0.9x' });
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    const cfg = box.config();
    cfg.profiles.default!.serverVersion = '1.2.0';
    writeFileSync(box.files().find((f) => f.path.endsWith('config.json'))!.path, JSON.stringify(cfg));
    const r = await box.run(['token', '--expires-in', '90', '--verbose']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('server version 1.2.0 is newer than any this tool knows: assuming the newest wire (≥ 0.90)'))).toHaveLength(1);
    expect((await box.run(['token', '--expires-in', '90'])).stderr).not.toContain('newer than any');
  });
});

describe.each(['0.58', '0.85'] as const)('the lists a user is most likely to page through, on %s', (version) => {
  let server: Standin;
  let box: Sandbox;
  afterEach(async () => {
    box?.cleanup();
    await server?.close();
  });

  it('call runs --paginate gets every run; a bad size is the server\'s 422, said in one line', async () => {
    server = await startStandin({ version });
    server.seedItems('pipeline_runs', 23, { status: 'running' });
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    const r = await box.run(['call', 'runs', '--paginate', '-q', 'size=5', '-q', 'sort_by=desc:created']);
    expect(r.exitCode).toBe(0);
    const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((i) => i.name);
    expect(names).toHaveLength(23);
    expect(names[0]).toBe('pipeline_run-0023');
    const bad = await box.run(['call', 'stacks', '-q', 'size=0']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('422');
    const projects = await box.run(['call', version === '0.58' ? 'workspaces' : 'projects']);
    expect(JSON.parse(projects.stdout).items.map((i: { name: string }) => i.name)).toEqual(['default']);
  });
});

