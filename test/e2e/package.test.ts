/**
 * Packaging: `npm pack` makes a package that installs into an empty prefix with only its
 * declared dependencies, and runs.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { ROOT } from '../support/cli.js';

let dir: string;
let server: Standin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zenml-api-pack-'));
  server = await startStandin();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe('npm pack', () => {
  it('installs into an empty prefix and runs', async () => {
    // --ignore-scripts: `npm test` has just built dist/, and rebuilding it now would pull it away
    // from the tests running beside this one.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: 'error' } });
    const info = JSON.parse(pack.stdout)[0] as { filename: string; files: Array<{ path: string }> };
    const paths = info.files.map((f) => f.path);
    expect(paths).toContain('bin/zenml-api.js');
    expect(paths).toContain('bin/package.json'); // makes the launcher CommonJS in a "type": "module" package
    // The CommonJS build, exactly as scripts/build.mjs lays it out: no ES module left in dist/.
    const distDir = join(ROOT, 'dist');
    const built = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => statSync(join(distDir, f)).isFile())
      .map((f) => f.split(sep).join('/'));
    expect(built).toEqual(expect.arrayContaining(['cli.cjs', 'fast.cjs', 'vendor/proxy.cjs', 'vendor/commander.cjs', 'vendor/jq.cjs']));
    expect(paths.filter((p) => p.startsWith('dist/')).sort()).toEqual(built.map((f) => `dist/${f}`).sort());
    expect(paths.filter((p) => p.startsWith('dist/') && !p.endsWith('.cjs'))).toEqual([]);
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('build/'))).toBe(false);

    const prefix = join(dir, 'prefix');
    await execa('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(dir, info.filename)], {
      env: { ...process.env, npm_config_loglevel: 'error' },
      timeout: 240_000,
    });
    const modules = join(prefix, 'lib', 'node_modules');
    // Only the package and its declared dependencies (and theirs): no dev dependencies.
    const installed = readdirSync(join(modules, 'zenml-api', 'node_modules')).concat(readdirSync(modules));
    for (const dev of ['vitest', 'typescript', 'esbuild', 'execa']) expect(installed).not.toContain(dev);

    const bin = join(prefix, 'bin', 'zenml-api');
    const env = { PATH: process.env.PATH, HOME: dir, ZENML_API_CONFIG_DIR: join(dir, 'cfg'), ZENML_API_STORE: 'file' };
    const version = await execa(bin, ['--version'], { env, extendEnv: false });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const login = await execa(bin, ['login', server.url, '--username', 'default', '--password-stdin'], { env, extendEnv: false, input: '' });
    expect(login.stderr).toContain('Logged in');
    const cu = await execa(bin, ['current-user', '--json'], { env, extendEnv: false });
    expect(JSON.parse(cu.stdout).name).toBe('default');
    const table = await execa(bin, ['status'], { env, extendEnv: false, reject: false });
    expect(table.exitCode).toBe(0);
  }, 300_000);
});
