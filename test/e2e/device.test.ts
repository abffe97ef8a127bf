/** login --web: the device authorization flow, approved, denied, expired and interrupted. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';

/** Waits until the running CLI prints the user code on stderr; returns it. */
function waitForCode(proc: ReturnType<Sandbox['spawn']>): Promise<{ code: string; url: string }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no user code printed; stderr so far: ${buf}`)), 20_000);
    proc.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      const code = /confirm the code ([0-9a-f]+):/.exec(buf)?.[1];
      const url = /\n\s+(http\S+)\n/.exec(buf)?.[1];
      if (code && url) {
        clearTimeout(t);
        resolve({ code, url });
      }
    });
  });
}

describe.each(['0.58', '0.9x'] as const)('device login on a %s server', (version) => {
  let server: Standin;
  let box: Sandbox;
  beforeAll(async () => {
    server = await startStandin({ version, devicePollingIntervalSeconds: 1, deviceAuthTimeoutSeconds: 30 });
  });
  afterAll(() => server.close());
  afterEach(() => box?.cleanup());

  it('prints the URL and code, polls, and logs in once approved', async () => {
    box = new Sandbox();
    const proc = box.spawn(['login', server.url, '--web']);
    const { code, url } = await waitForCode(proc);
    expect(url.startsWith(`${server.url}/devices/verify`)).toBe(true);
    expect(url).toContain(`user_code=${code}`);
    // Approve only after the CLI has polled once and been told authorization_pending.
    const pending = () => server.log.filter((l) => l.path === '/api/v1/login' && l.status === 400);
    for (let i = 0; i < 100 && pending().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pending()[0]?.body).toContain('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code');
    server.devices.approve(code);
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('as default (user)');
    expect(box.config().profiles.default).toMatchObject({ auth: 'device', server: server.url });
    expect((await box.run(['current-user', '--json'])).exitCode).toBe(0);
  });

  it('stops with exit 4 when the login is denied, storing nothing', async () => {
    box = new Sandbox();
    const proc = box.spawn(['login', server.url, '--web']);
    const { code } = await waitForCode(proc);
    server.devices.deny(code);
    const r = await proc;
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('denied');
    expect(box.files()).toEqual([]);
  });

  it('stops with exit 4 when the code expires', async () => {
    box = new Sandbox();
    const proc = box.spawn(['login', server.url, '--web']);
    const { code } = await waitForCode(proc);
    server.devices.expire(code);
    const r = await proc;
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('expired');
    expect(box.files()).toEqual([]);
  });

  it('Ctrl-C ends the wait with exit 130 and stores nothing', async () => {
    box = new Sandbox();
    const proc = box.spawn(['login', server.url, '--web']);
    await waitForCode(proc);
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(130);
    expect(box.files()).toEqual([]);
  });
});
