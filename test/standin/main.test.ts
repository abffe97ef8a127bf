// The CLI entry (test/support/standin/main.ts), bundled in memory with esbuild
// and run as a separate node process (the script is fed on stdin, so nothing
// is written to disk).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { call } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('../support/standin/main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

describe('main.ts (as a process)', () => {
  it('starts both servers, prints one JSON line, stops on SIGTERM', async () => {
    const code = await bundle();
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-', '--version', '0.9x', '--latency', '5', '--token-lifetime', '600', '--seed', 'pipelines=7', '--seed=pipeline_runs=2', '--service-account', 'demo', '--pro'],
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stdin.end(code);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const i = buf.indexOf('\n');
        if (i >= 0) resolve(buf.slice(0, i));
      });
      child.on('exit', (c) => reject(new Error(`exited ${String(c)}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      const info = JSON.parse(line) as { url: string; proUrl: string; serverId: string; version: string; apiKey: string; proApiKey: string; workspaceId: string };
      expect(Object.keys(info)).toEqual(['url', 'proUrl', 'serverId', 'version', 'apiKey', 'workspaceId', 'proApiKey']);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const i = (await call(info.url, 'GET', '/api/v1/info')).json as { id: string; version: string };
      expect([i.id, i.version]).toEqual([info.serverId, '0.93.0']);
      const login = await call(info.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: info.apiKey } });
      expect((login.json as { expires_in: number }).expires_in).toBe(600);
      const tok = (login.json as { access_token: string }).access_token;
      expect(((await call(info.url, 'GET', '/api/v1/pipelines', { bearer: tok })).json as { total: number }).total).toBe(7);
      expect(((await call(info.url, 'GET', '/api/v1/pipeline_runs', { bearer: tok })).json as { total: number }).total).toBe(2);
      expect((await call(info.url, 'GET', '/openapi.json')).status).toBe(200);
      const exch = await call(info.proUrl, 'POST', '/auth/login', { form: { password: info.proApiKey } });
      const proTok = (exch.json as { access_token: string }).access_token;
      const ws = (await call(info.proUrl, 'GET', '/workspaces', { bearer: proTok })).json as Array<{ id: string; zenml_service: { status: { server_url: string } } }>;
      expect(ws.map((w) => [w.id, w.zenml_service.status.server_url])).toEqual([[info.workspaceId, info.url]]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('rejects bad arguments with exit code 2', async () => {
    const code = await bundle();
    const child = spawn(process.execPath, ['--input-type=module', '-', '--version', '1.0'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(code);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const c = await new Promise<number | null>((resolve) => child.on('exit', (x) => resolve(x)));
    expect(c).toBe(2);
    expect(stderr).toContain('--version must be 0.58, 0.85, 0.9x');
  });
});
