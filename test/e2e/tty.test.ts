/**
 * On a terminal: tables as plain aligned columns, JSON pretty and coloured, NO_COLOR respected.
 * Runs the binary under a pseudo-terminal with util-linux `script`.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, Sandbox } from '../support/cli.js';

const hasScript = existsSync('/usr/bin/script');
let server: Standin;
let box: Sandbox;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  box = new Sandbox();
  expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

async function onTerminal(args: string[], env: Record<string, string | undefined> = {}) {
  const cmd = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, NO_COLOR: undefined, TERM: 'xterm', ...env }, extendEnv: false, reject: false });
  const out = r.stdout.replace(/\r/g, '');
  return { ...r, out, text: out.replace(/\x1b\[[0-9;]*m/g, '') };
}

describe.runIf(hasScript)('on a terminal', () => {
  it('current-user and status draw tables', async () => {
    const cu = await onTerminal(['current-user']);
    expect(cu.exitCode).toBe(0);
    expect(cu.text).toMatch(/^name: +default\n/m);
    expect(cu.out).toContain('\x1b[1mname:\x1b[22m'); // bold field names
    const st = await onTerminal(['status']);
    expect(st.text).toMatch(/^ +PROFILE +SERVER +AUTH[^\n]*\n\* +default +http/m);
    expect(st.text).not.toMatch(/[┌│─]/);
  });

  it('call pretty-prints and colours JSON; NO_COLOR keeps it plain', async () => {
    const c = await onTerminal(['call', 'info']);
    expect(c.out).toMatch(/^\{\n {2}\x1b\[34;1m"id"\x1b\[0m: \x1b\[32m"/);
    const plain = await onTerminal(['call', 'info'], { NO_COLOR: '1' });
    expect(plain.out).toMatch(/^\{\n {2}"id": "/);
    expect(plain.out).not.toContain('\x1b[');
  });
});
