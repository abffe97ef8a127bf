#!/usr/bin/env node
/**
 * The zenml-api benchmark harness. Spawns whole processes, as a user or a script would, and times
 * them with process.hrtime.bigint(); needs nothing but Node (hyperfine is not required).
 *
 *   npm run bench                       # npm run build && node bench/run.mjs
 *   npm run bench -- --quick            # a fast smoke run (5 runs, small memory cases)
 *   scripts/with-keyring.sh npm run bench   # adds `token` with the keychain store
 *
 * It starts the stand-in ZenML server (build/standin.js) as child processes, logs in to them from
 * throwaway config folders, runs every case `--warmup` times and then `--runs` times, round-robin
 * (each iteration runs every case once, starting one case later than the previous iteration, so
 * that machine noise hits all cases alike), and writes bench/RESULTS.md and bench/results.json.
 * See bench/README.md for what each case means.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const NODE = process.execPath;
const PYTHON_ZENML_REFERENCE_MS = 2400; // the Python `zenml` CLI printing the current user, measured earlier by the team

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/run.mjs [options]   (or: npm run bench -- [options])

  --runs N          timed runs per case (default 20; --quick: 5)
  --warmup N        warm-up runs per case, not recorded (default 3; --quick: 1)
  --quick           a fast smoke run: 5 runs, 1 warm-up, memory at 2,000 and 20,000 items once
  --mem-items LIST  item counts of the memory case (default 20000,200000; --quick: 2000,20000)
  --mem-runs N      runs per memory size (default 1; plus one with node --liftoff-only)
  --page-size N     page size (-q size=) of the memory case (default 1000)
  --no-memory       skip the memory case
  --no-snapshot     run bin/ and dist/ in place instead of from a private copy
  --out DIR         where RESULTS.md and results.json go (default bench/details/)
  --rerender        only rewrite RESULTS.md from the results.json in --out (after editing this script)
  -h, --help        this text
`;

function parseOptions(argv) {
  const o = {};
  const int = (flag, v, min) => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min) die(`${flag} needs a whole number >= ${min}\n\n${USAGE}`, 2);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const next = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs': o.runs = int(flag, next(), 1); break;
      case '--warmup': o.warmup = int(flag, next(), 0); break;
      case '--quick': o.quick = true; break;
      case '--mem-runs': o.memRuns = int(flag, next(), 1); break;
      case '--page-size': o.pageSize = int(flag, next(), 1); break;
      case '--mem-items': {
        const v = next() ?? '';
        if (!/^\d+(,\d+)*$/.test(v)) die(`--mem-items needs a comma-separated list of item counts\n\n${USAGE}`, 2);
        o.memItems = v.split(',').map(Number);
        break;
      }
      case '--no-memory': o.noMemory = true; break;
      case '--no-snapshot': o.noSnapshot = true; break;
      case '--out': o.out = resolve(next() ?? die('--out needs a folder', 2)); break;
      case '--rerender': o.rerender = true; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: die(`unknown argument ${a}\n\n${USAGE}`, 2);
    }
  }
  const quick = Boolean(o.quick);
  return {
    quick,
    runs: o.runs ?? (quick ? 5 : 20),
    warmup: o.warmup ?? (quick ? 1 : 3),
    memItems: o.noMemory ? [] : (o.memItems ?? (quick ? [2000, 20000] : [20000, 200000])),
    memRuns: o.memRuns ?? 1,
    pageSize: o.pageSize ?? 1000,
    snapshot: !o.noSnapshot,
    out: o.out ?? join(BENCH, 'details'),
    rerender: Boolean(o.rerender),
  };
}

function die(msg, code = 1) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
/** Lets the event loop run (signal handlers included) between two synchronous runs. */
const tick = () => new Promise((r) => setImmediate(r));

// ---------------------------------------------------------------------------------------------
// Clean-up of everything this run starts or creates (also on Ctrl-C)

const children = new Set();
const cleanups = [];
let tmp;

function cleanupNow() {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanupNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`interrupted (${sig}), cleaning up`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
// The machine

function machineInfo() {
  let cpu = os.cpus()[0]?.model?.trim() || 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  let osName = `${os.type()} ${os.release()} (${os.arch()})`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+?)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) osName = `${m[1]}, ${os.type()} ${os.release()} (${os.arch()})`;
  } catch {
    // no os-release
  }
  return {
    cpu,
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName,
    loadavgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function gitInfo() {
  // Read-only: GIT_OPTIONAL_LOCKS=0 keeps `git status` from refreshing the index.
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, env, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  // The bench's own outputs do not count: a run after a run would always look dirty.
  const status = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/RESULTS.md', ':!bench/results.json');
  return { commit: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim() !== '' : null };
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function reproduceCommand() {
  const args = process.argv.slice(2).map(shellQuote).join(' ');
  const cmd = `npm run bench${args ? ` -- ${args}` : ''}`;
  return process.env.ZENML_API_TEST_KEYCHAIN === 'required' ? `scripts/with-keyring.sh ${cmd}` : cmd;
}

// ---------------------------------------------------------------------------------------------
// A private copy of the build: other people's `npm run build` during a run must not swap dist/
// from under it. node_modules is linked, so the keyring's native module resolves as usual.

/** Every JavaScript file of the launcher and the bundles (dist/ and its subfolders: dist/vendor/). */
function builtFiles(dir) {
  const list = (d, recursive = false) =>
    existsSync(d) ? readdirSync(d, { recursive, encoding: 'utf8' }).filter((f) => /\.(c|m)?js$/.test(f)).map((f) => join(d, f)) : [];
  return [...list(join(dir, 'bin')), ...list(join(dir, 'dist'), true)];
}

/** Relative imports and require()s (with an extension) that point at nothing: a build half done. */
function checkBuild(dir) {
  const missing = [];
  for (const f of builtFiles(dir)) {
    const text = readFileSync(f, 'utf8');
    // esbuild writes its imports with double quotes; single-quoted ones in dist/ are comments (JSDoc).
    const re = f.startsWith(join(dir, 'bin')) ? /(?:\bfrom|\bimport\(?|\brequire\()\s*["'](\.\.?\/[\w./-]+\.[cm]?js)["']/g : /(?:\bfrom|\bimport\(?|\brequire\()\s*"(\.\.?\/[\w./-]+\.[cm]?js)"/g;
    for (const m of text.matchAll(re)) {
      const target = resolve(dirname(f), m[1]);
      if (!existsSync(target)) missing.push(`${basename(f)} -> ${m[1]}`);
    }
  }
  return missing;
}

async function prepareBuild(opts) {
  const required = ['bin/zenml-api.js', 'dist/fast.cjs', 'dist/cli.cjs', 'build/standin.js'];
  for (let attempt = 1; ; attempt++) {
    // A build elsewhere removes dist/ first: wait a little before calling it missing.
    const absent = required.filter((f) => !existsSync(join(ROOT, f)));
    let problem = absent.length ? `${absent.join(', ')} missing` : null;
    let dir = ROOT;
    if (!problem && opts.snapshot) {
      dir = join(tmp, `build-${attempt}`);
      try {
        mkdirSync(join(dir, 'build'), { recursive: true });
        cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
        cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
        cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
        cpSync(join(ROOT, 'build/standin.js'), join(dir, 'build/standin.js'));
        symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      } catch (e) {
        problem = `copying failed: ${e.message}`;
      }
    }
    if (!problem) {
      const missing = checkBuild(dir);
      if (missing.length) problem = `incomplete: ${missing.slice(0, 3).join(', ')}`;
    }
    if (!problem) return dir;
    if (attempt >= 8) die(`the build is ${problem}: run \`npm run build\` first (or \`npm run bench\`, which builds)`);
    log(`the build is ${problem} (a build running elsewhere?); trying again in 2 s`);
    await sleep(2000);
  }
}

// ---------------------------------------------------------------------------------------------
// Stand-in servers

async function startStandin(app, name, args) {
  const logFile = join(tmp, `standin-${name}.log`);
  const fd = openSync(logFile, 'w');
  const t0 = process.hrtime.bigint();
  // stdout and stderr go to a file: a pipe nobody reads while spawnSync blocks could fill up.
  const child = spawn(NODE, [app.standin, '--version', '0.9x', '--service-account', 'bench', ...args], {
    cwd: ROOT, // the bundle finds the OpenAPI fixture through the working directory
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH, HOME: tmp },
  });
  closeSync(fd);
  children.add(child);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const lines = readFileSync(logFile, 'utf8').split('\n');
    lines.pop(); // an unfinished line
    const line = lines.find((l) => l.startsWith('{'));
    if (line) {
      const info = JSON.parse(line);
      const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let rssKB = null;
      try {
        rssKB = Number(/^VmHWM:\s*(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) || null;
      } catch {
        // not Linux
      }
      return { name, args, child, url: info.url, apiKey: info.apiKey, startMs, rssKB, logFile };
    }
    if (child.exitCode !== null) die(`stand-in ${name} exited (${child.exitCode}): ${readFileSync(logFile, 'utf8').slice(0, 2000)}`);
    if (Date.now() > deadline) die(`stand-in ${name} did not start within 180 s`);
    await sleep(25);
  }
}

async function stopStandin(s) {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  children.delete(s.child);
}

// ---------------------------------------------------------------------------------------------
// Throwaway config folders

const PROFILE = `bench-${process.pid}`; // unique: keychain entries are named <profile>/<secret>

function sandbox(name, { keychain = false } = {}) {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'home'), { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    ZENML_API_CONFIG_DIR: join(dir, 'config'),
    ZENML_API_STORE: keychain ? 'keychain' : 'file',
    NO_COLOR: '1',
  };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  if (keychain) {
    env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
    if (process.env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = process.env.XDG_RUNTIME_DIR;
  }
  return { name, dir, env, configDir: env.ZENML_API_CONFIG_DIR };
}

function cli(app, box, args, { input, extraEnv, timeout = 60_000 } = {}) {
  return spawnSync(NODE, [app.bin, ...args], {
    env: { ...box.env, ...extraEnv },
    input: input ?? '',
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function login(app, box, standin) {
  const r = cli(app, box, ['login', standin.url, '--api-key', '-', '--profile', PROFILE], { input: `${standin.apiKey}\n` });
  return r;
}

// ---------------------------------------------------------------------------------------------
// Timing

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => {
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const stdev = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
  const r = (x) => Math.round(x * 100) / 100;
  return { n: s.length, median: r(q(0.5)), p10: r(q(0.1)), p90: r(q(0.9)), min: r(s[0]), max: r(s[s.length - 1]), mean: r(mean), stdev: r(stdev) };
}

/** Runs one case once; returns wall milliseconds. Throws when it fails or prints the wrong thing. */
function runCase(c) {
  const before = c.before?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { env: c.env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, timeout: c.timeout ?? 120_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const stdout = r.stdout?.toString() ?? '';
  const problem = r.error
    ? String(r.error.message)
    : r.status !== 0
      ? `exit ${r.status ?? r.signal}`
      : c.check && !c.check(stdout)
        ? `unexpected output: ${JSON.stringify(stdout.slice(0, 200))}`
        : c.after?.(before);
  if (problem) throw new Error(`case "${c.display}" failed: ${problem}\n${(r.stderr?.toString() ?? '').slice(0, 2000)}`);
  return ms;
}

const isJwt = (out) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/.test(out);
const jsonWith = (pred) => (out) => {
  try {
    return pred(JSON.parse(out));
  } catch {
    return false;
  }
};
const lineCount = (n) => (out) => out.split('\n').length - 1 === n;

// ---------------------------------------------------------------------------------------------
// Diagnostics (not timed): where the time of `current-user` goes, what each command loads

function probeRun(app, box, args, probeEnv, { raw = false } = {}) {
  const out = join(tmp, `probe-${process.hrtime.bigint()}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(NODE, ['--require', join(BENCH, 'probe.cjs'), ...(raw ? [] : [app.bin]), ...args], {
    env: { ...box.env, ...probeEnv, ZAB_PROBE_OUT: out },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`probe run of ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const probe = JSON.parse(readFileSync(out, 'utf8'));
  return { ...probe, wallMs };
}

function phases(app, box, runs, extraEnv = {}) {
  const keys = ['bootstrap', 'cli', 'connect', 'send', 'server', 'body', 'finish', 'teardown', 'total'];
  const samples = Object.fromEntries(keys.map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    const p = probeRun(app, box, ['current-user', '--json'], { ZAB_PROBE_PHASES: '1', ...extraEnv });
    const m = p.marks;
    if (m.create === undefined || m.end === undefined) throw new Error('the phase probe saw no undici request');
    samples.bootstrap.push(m.probe);
    samples.cli.push(m.create - m.probe);
    samples.connect.push(m.connected - m.connectStart);
    samples.send.push(m.sendHeaders - m.connected);
    samples.server.push(m.headers - m.sendHeaders);
    samples.body.push(m.end - m.headers);
    samples.finish.push(m.exit - m.end);
    samples.teardown.push(p.wallMs - m.exit);
    samples.total.push(p.wallMs);
  }
  return Object.fromEntries(keys.map((k) => [k, stats(samples[k])]));
}

/**
 * In-process time of one piece of work, in a fresh process each time (median of `runs`). The
 * script prints the milliseconds; it is an ES module unless `type` is 'commonjs'.
 */
function inProcess(script, env, runs, { type = 'module' } = {}) {
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(NODE, [`--input-type=${type}`, '-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`in-process measurement failed: ${r.stderr}`);
    xs.push(Number(r.stdout.trim()));
  }
  return stats(xs);
}

/**
 * What each built file holds, from esbuild's `// node_modules/<package>/…` and `// src/…` comments:
 * { roles: npm packages, sources: src/ files }.
 */
function chunkRoles(app) {
  const roles = {};
  for (const f of builtFiles(app.dir)) {
    const text = readFileSync(f, 'utf8');
    const pkgs = new Set();
    for (const m of text.matchAll(/^\/\/ node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)) pkgs.add(m[1]);
    const sources = [...new Set([...text.matchAll(/^\/\/ (src\/\S+)/gm)].map((m) => m[1].replace(/^src\//, '')))];
    roles[f] = { roles: [...pkgs], sources };
  }
  return roles;
}

function modulesLoaded(app, box, args, roles) {
  const esmLog = join(tmp, `esm-${process.hrtime.bigint()}.log`);
  const p = probeRun(app, box, args, { ZAB_PROBE_MODULES: '1', ZAB_PROBE_ESM_LOG: esmLog });
  const esm = existsSync(esmLog) ? readFileSync(esmLog, 'utf8').split('\n').filter(Boolean).map((u) => fileURLToPath(u)) : [];
  const seen = new Map();
  for (const [kind, list] of [['cjs', p.cjs], ['esm', esm]]) {
    for (const f of list) {
      if (f.startsWith(BENCH) || seen.has(f)) continue;
      const rel = f.startsWith(`${app.dir}/`) ? f.slice(app.dir.length + 1) : f.startsWith(`${ROOT}/`) ? f.slice(ROOT.length + 1) : f;
      seen.set(f, { file: rel, kind, bytes: statSync(f).size, roles: roles[f]?.roles ?? [], sources: roles[f]?.sources ?? [] });
    }
  }
  const files = [...seen.values()];
  return {
    files,
    esmCount: files.filter((e) => e.kind === 'esm').length,
    cjsCount: files.filter((e) => e.kind === 'cjs').length,
    bytes: files.reduce((a, e) => a + e.bytes, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Memory: peak RSS of `call --paginate --jsonl` over many items, stdout counted through a pipe

function gnuTime() {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', 'ZAB %M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /ZAB \d+/.test(r.stderr) ? '/usr/bin/time' : null;
}

function memoryRun(app, box, pageSize, timeBin, nodeFlags = []) {
  return new Promise((resolvePromise, reject) => {
    const probeOut = join(tmp, `rss-${process.hrtime.bigint()}.json`);
    const cliArgs = [app.bin, 'call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${pageSize}`];
    const [cmd, args, env] = timeBin
      ? [timeBin, ['-f', 'ZAB_TIME %M %e %U %S', NODE, ...nodeFlags, ...cliArgs], box.env]
      : [NODE, [...nodeFlags, '--require', join(BENCH, 'probe.cjs'), ...cliArgs], { ...box.env, ZAB_PROBE_OUT: probeOut }];
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (b) => {
      bytes += b.length;
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (b) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`memory run failed (${code ?? signal}): ${stderr.slice(-2000)}`));
      let maxRssKB;
      let cpuMs;
      if (timeBin) {
        const m = /ZAB_TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(stderr);
        if (!m) return reject(new Error(`no /usr/bin/time line in: ${stderr.slice(-500)}`));
        maxRssKB = Number(m[1]);
        cpuMs = (Number(m[3]) + Number(m[4])) * 1000;
      } else {
        const p = JSON.parse(readFileSync(probeOut, 'utf8'));
        maxRssKB = p.maxRssKB;
        cpuMs = null;
      }
      resolvePromise({ maxRssKB, cpuMs, wallMs, bytes, lines });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting

const fmtMs = (ms) => (ms == null ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtX = (x) => (x == null ? '–' : `${x.toFixed(2)}×`);
const fmtMiB = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
const fmtKB = (b) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KB` : `${b} B`);
const fmtInt = (n) => n.toLocaleString('en-US');
const verdict = (ok) => (ok ? '**pass**' : '**FAIL**');

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.rerender) {
    const report = JSON.parse(readFileSync(join(opts.out, 'results.json'), 'utf8'));
    writeFileSync(join(opts.out, 'RESULTS.md'), renderMarkdown(report));
    log(`rewrote ${join(opts.out, 'RESULTS.md')} from results.json`);
    return;
  }
  const started = new Date();
  const wallStart = process.hrtime.bigint();
  const elapsed = () => `${(Number(process.hrtime.bigint() - wallStart) / 1e9).toFixed(0)} s`;
  tmp = mkdtempSync(join(os.tmpdir(), 'zenml-api-bench-'));
  const machine = machineInfo();
  const git = gitInfo();

  const appDir = await prepareBuild(opts);
  const app = { dir: appDir, bin: join(appDir, 'bin/zenml-api.js'), standin: join(appDir, 'build/standin.js') };
  log(`building blocks ready${opts.snapshot ? ` (a copy of bin/ and dist/ in ${appDir})` : ''}; ${opts.quick ? 'quick run' : 'full run'}: ${opts.warmup} warm-up + ${opts.runs} runs per case`);

  // The servers: a plain one (tokens live an hour), one whose tokens must be renewed at once,
  // one with 25 ms per request and 40 pages of pipelines.
  const PAGES = 40;
  const PAGE_SIZE = 25;
  const LATENCY = 25;
  const CONCURRENCY = 6; // the tool's default (src/api/paginate.ts DEFAULT_CONCURRENCY)
  const [main, renewing, paging] = await Promise.all([
    startStandin(app, 'main', ['--token-lifetime', '3600']),
    startStandin(app, 'renew', ['--token-lifetime', '20']),
    startStandin(app, 'paginate', ['--token-lifetime', '3600', '--latency', String(LATENCY), '--seed', `pipelines=${PAGES * PAGE_SIZE}`]),
  ]);

  const fileBox = sandbox('file');
  const renewBox = sandbox('renew');
  const pageBox = sandbox('paginate');
  for (const [box, s] of [[fileBox, main], [renewBox, renewing], [pageBox, paging]]) {
    const r = login(app, box, s);
    if (r.status !== 0) die(`login to the ${s.name} stand-in failed (${r.status}): ${r.stderr}`);
  }

  // The API document cache for `endpoints` (issue 10): fetched once from the stand-in, which
  // serves a real 0.58 server's OpenAPI document; the timed runs then read only the cache.
  const fill = spawnSync(NODE, [app.bin, 'endpoints', '--json'], { env: fileBox.env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  const endpointsReady = fill.status === 0;
  if (!endpointsReady) log(`warning: could not fill the API document cache, the endpoints case is skipped: ${fill.stderr.slice(0, 300)}`);

  // The keychain store, when a Secret Service may answer.
  let kcBox = null;
  let keychainSkip = null;
  let forgetKeychain = () => {};
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    keychainSkip = 'skipped: no Secret Service (DBUS_SESSION_BUS_ADDRESS is not set; run `scripts/with-keyring.sh npm run bench`)';
  } else {
    const box = sandbox('keychain', { keychain: true });
    const r = login(app, box, main);
    if (r.status === 0) {
      kcBox = box;
      // Remove this run's entries from the keychain (at the end, or on the way out).
      let done = false;
      forgetKeychain = () => {
        if (done) return;
        done = true;
        const r = cli(app, box, ['logout', '--profile', PROFILE], { timeout: 15_000 });
        if (r.status !== 0) log(`warning: could not remove profile ${PROFILE} from the keychain: ${r.stderr}`);
      };
      cleanups.push(forgetKeychain);
    } else {
      keychainSkip = `skipped: no Secret Service (login with ZENML_API_STORE=keychain failed: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)})`;
    }
  }
  if (keychainSkip) log(`token (keychain): ${keychainSkip}`);

  const token = cli(app, fileBox, ['token']).stdout.trim();
  const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' }).status === 0 ? 'curl' : null;

  // Renewal check: every `token` of the renewing profile logged in again (the stored token was
  // obtained after the run started). Falls back to "credentials.json was rewritten".
  const credFile = join(renewBox.configDir, 'credentials.json');
  const renewState = () => {
    const st = statSync(credFile, { bigint: true });
    let obtainedAt = null;
    try {
      const raw = JSON.parse(readFileSync(credFile, 'utf8')).secrets?.[`${PROFILE}/access-token`];
      obtainedAt = JSON.parse(raw).obtainedAt ?? null;
    } catch {
      // another format
    }
    return { at: Date.now(), ino: st.ino, mtimeNs: st.mtimeNs, obtainedAt };
  };
  let renewalsChecked = 0;
  const renewCheck = (before) => {
    const now = renewState();
    const fresh = now.obtainedAt !== null ? now.obtainedAt >= before.at - 2 : now.ino !== before.ino || now.mtimeNs !== before.mtimeNs;
    if (!fresh) return 'the token was not renewed (the stored token is older than the run)';
    renewalsChecked++;
    return undefined;
  };

  const zen = (args) => [app.bin, ...args];
  const cases = [
    { id: 'node', display: 'node -e 0', cmd: NODE, args: ['-e', '0'], env: fileBox.env, group: 'baseline' },
    { id: 'empty-esm', display: 'node bench/empty.mjs', cmd: NODE, args: [join(BENCH, 'empty.mjs')], env: fileBox.env, group: 'baseline' },
    { id: 'version', display: 'zenml-api --version', args: zen(['--version']), env: fileBox.env, check: (o) => /^\d+\.\d+\.\d+/.test(o), target: 1.2 },
    { id: 'help', display: 'zenml-api --help', args: zen(['--help']), env: fileBox.env, check: (o) => /usage/i.test(o), target: 1.2 },
    { id: 'token-file', display: 'zenml-api token (cached, file store)', args: zen(['token']), env: fileBox.env, check: isJwt, target: 1.25 },
    ...(kcBox
      ? [
          { id: 'token-keychain', display: 'zenml-api token (cached, keychain)', args: zen(['token']), env: kcBox.env, check: isJwt, target: 1.25 },
          {
            id: 'token-keychain-native',
            display: 'zenml-api token (cached, keychain, through the native binding: ZENML_API_KEYCHAIN_DBUS=0)',
            args: zen(['token']),
            env: { ...kcBox.env, ZENML_API_KEYCHAIN_DBUS: '0' },
            check: isJwt,
          },
        ]
      : []),
    {
      id: 'token-renew',
      display: 'zenml-api token (renews: logs in each time)',
      args: zen(['token']),
      env: renewBox.env,
      check: isJwt,
      before: renewState,
      after: renewCheck,
    },
    { id: 'current-user', display: 'zenml-api current-user --json', args: zen(['current-user', '--json']), env: fileBox.env, check: jsonWith((j) => j.name === 'bench'), target: 3 },
    { id: 'call', display: 'zenml-api call current-user', args: zen(['call', 'current-user']), env: fileBox.env, check: jsonWith((j) => j.name === 'bench') },
    { id: 'status', display: 'zenml-api status', args: zen(['status']), env: fileBox.env, check: (o) => o.includes(PROFILE) },
    ...(endpointsReady
      ? [{ id: 'endpoints', display: 'zenml-api endpoints (all operations of a 0.58 document, from the cache)', args: zen(['endpoints']), env: fileBox.env, check: (o) => o.trim().split('\n').length > 100, target: 2 }]
      : []),
    ...(curl
      ? [{
          id: 'curl',
          display: 'curl -s $URL/api/v1/current-user -H "Authorization: Bearer $TOKEN"',
          cmd: curl,
          args: ['-s', '-f', `${main.url}/api/v1/current-user`, '-H', `Authorization: Bearer ${token}`],
          env: fileBox.env,
          check: jsonWith((j) => j.name === 'bench'),
          group: 'peer',
        }]
      : []),
    {
      id: 'paginate-first',
      display: `zenml-api call pipelines -q size=${PAGE_SIZE} (the first page only)`,
      args: zen(['call', 'pipelines', '-q', `size=${PAGE_SIZE}`]),
      env: pageBox.env,
      check: jsonWith((j) => j.items.length === PAGE_SIZE && j.total_pages === PAGES),
      group: 'paginate',
    },
    {
      id: 'paginate-default',
      display: `zenml-api call pipelines --paginate --jsonl -q size=${PAGE_SIZE} (default: ${CONCURRENCY} at a time)`,
      args: zen(['call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${PAGE_SIZE}`]),
      env: pageBox.env,
      check: lineCount(PAGES * PAGE_SIZE),
      group: 'paginate',
    },
    {
      id: 'paginate-1',
      display: `zenml-api call pipelines --paginate --jsonl -q size=${PAGE_SIZE} --concurrency 1`,
      args: zen(['call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${PAGE_SIZE}`, '--concurrency', '1']),
      env: pageBox.env,
      check: lineCount(PAGES * PAGE_SIZE),
      group: 'paginate',
    },
  ];
  for (const c of cases) c.cmd ??= NODE;

  // Renewal, seen from the outside too: --verbose shows the login request.
  const verboseRenew = cli(app, renewBox, ['token', '--verbose']);
  const renewLoginSeen = /POST \S*\/api\/v1\/login/.test(verboseRenew.stderr);
  if (!renewLoginSeen) die(`\`token\` against the 20 s stand-in did not log in:\n${verboseRenew.stderr}`);

  // Warm-up, then the timed runs, round-robin.
  const samples = Object.fromEntries(cases.map((c) => [c.id, []]));
  const total = opts.warmup + opts.runs;
  for (let it = 0; it < total; it++) {
    const warm = it < opts.warmup;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + it) % cases.length];
      const ms = runCase(c);
      if (!warm) samples[c.id].push(ms);
      await tick();
    }
    if (it === opts.warmup - 1 || (!warm && ((it - opts.warmup + 1) % 5 === 0 || it === total - 1))) {
      log(`${warm ? 'warm-up done' : `run ${it - opts.warmup + 1}/${opts.runs}`} (${elapsed()})`);
    }
  }

  const base = stats(samples.node).median;
  const results = cases.map((c) => {
    const s = stats(samples[c.id]);
    const ratio = s.median / base;
    return {
      id: c.id,
      display: c.display,
      command: [c.cmd === NODE ? 'node' : c.cmd, ...c.args.map((a) => a.replace(app.dir, '.').replace(ROOT, '.'))].join(' ').replace(token, '$TOKEN'),
      group: c.group ?? 'cli',
      samplesMs: samples[c.id].map((x) => Math.round(x * 100) / 100),
      stats: s,
      ratioToNode: Math.round(ratio * 1000) / 1000,
      target: c.target ?? null,
      pass: c.target ? ratio <= c.target : null,
    };
  });
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const pagRatio = byId['paginate-default'].stats.median / byId['paginate-1'].stats.median;
  const renewVerified = renewalsChecked >= opts.runs + opts.warmup && /POST \S*\/api\/v1\/login/.test(cli(app, renewBox, ['token', '--verbose']).stderr);

  // Diagnostics.
  log(`diagnostics (${elapsed()})`);
  const diagRuns = opts.quick ? 3 : 10;
  // Interleaved: the same current-user, as it is and with V8's WASM tier-up turned off.
  const phase = { default: [], liftoff: [] };
  for (let i = 0; i < diagRuns; i++) {
    phase.default.push(phases(app, fileBox, 1));
    phase.liftoff.push(phases(app, fileBox, 1, { ZAB_PROBE_V8_FLAGS: '--liftoff-only' }));
    await tick();
  }
  const mergePhases = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, stats(list.map((x) => x[k].median))]));
  const phaseDefault = mergePhases(phase.default);
  const baseTeardown = [];
  for (let i = 0; i < diagRuns; i++) {
    const p = probeRun(app, fileBox, ['-e', '0'], {}, { raw: true });
    baseTeardown.push(p.wallMs - p.marks.exit);
    await tick();
  }
  const phaseLiftoff = mergePhases(phase.liftoff);
  // What loading each bundle costs, in a process that has already required what the launcher
  // requires before it (dist/fast.cjs; for a vendor bundle also dist/cli.cjs, without running it):
  // the require() (read + compile) and, for a vendor bundle, the first use of each of its parts
  // (each part is a getter that evaluates the package's modules on first access).
  const timeRequire = (file, { before = [], use = false } = {}) =>
    inProcess(
      `const { performance } = require('node:perf_hooks'); for (const f of JSON.parse(process.env.ZAB_BEFORE)) require(f);
       const t = performance.now(); const m = require(process.env.ZAB_FILE); const t1 = performance.now();
       if (process.env.ZAB_USE === '1') for (const k of Object.keys(m)) void m[k];
       process.stdout.write(String((process.env.ZAB_USE === '1' ? performance.now() : t1) - t));`,
      { ZAB_FILE: file, ZAB_BEFORE: JSON.stringify(before), ZAB_USE: use ? '1' : '0', ZENML_API_NO_AUTORUN: '1' },
      diagRuns,
      { type: 'commonjs' },
    );
  const fastFile = join(app.dir, 'dist/fast.cjs');
  const cliFile = join(app.dir, 'dist/cli.cjs');
  const vendorDir = join(app.dir, 'dist/vendor');
  const vendorFiles = existsSync(vendorDir) ? readdirSync(vendorDir).filter((f) => f.endsWith('.cjs')).sort() : [];
  const bundleRoles = chunkRoles(app);
  const imports = {
    bundle: { file: 'dist/cli.cjs', bytes: statSync(cliFile).size, ms: timeRequire(cliFile, { before: [fastFile] }) },
    vendor: vendorFiles.map((f) => {
      const file = join(vendorDir, f);
      const packages = bundleRoles[file]?.roles ?? [];
      return {
        file: `dist/vendor/${f}`,
        packages,
        bytes: statSync(file).size,
        requireMs: timeRequire(file, { before: [fastFile, cliFile] }),
        ms: timeRequire(file, { before: [fastFile, cliFile], use: true }),
      };
    }),
    wasm: inProcess(
      `import { createRequire } from 'node:module'; const { performance } = await import('node:perf_hooks'); const require = createRequire(process.env.ZAB_WASM); const t = performance.now(); new WebAssembly.Module(require(process.env.ZAB_WASM)); process.stdout.write(String(performance.now() - t));`,
      { ZAB_WASM: join(ROOT, 'node_modules/undici/lib/llhttp/llhttp_simd-wasm.js') },
      diagRuns,
    ),
  };
  // V8's own account of the WASM compiles during one current-user (printed on stdout by V8).
  const wasmCompiles = [];
  for (let i = 0; i < Math.min(3, diagRuns); i++) {
    const r = spawnSync(NODE, ['--trace-wasm-compilation-times', app.bin, 'current-user', '--json'], { env: fileBox.env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    const fns = [...r.stdout.matchAll(/^Compiled function \S+ using (\w+), took (\d+) ms and (\d+)(?: \/ \d+ max\/total)? bytes; bodysize (\d+)/gm)].map((m) => ({ tier: m[1], ms: Number(m[2]), maxBytes: Number(m[3]), bodySize: Number(m[4]) }));
    const sum = (tier, k) => fns.filter((f) => f.tier === tier).reduce((a, f) => (k === 'maxBytes' ? Math.max(a, f[k]) : a + f[k]), 0);
    wasmCompiles.push({
      liftoff: { functions: fns.filter((f) => f.tier === 'Liftoff').length, ms: sum('Liftoff', 'ms') },
      turbofan: { functions: fns.filter((f) => f.tier === 'TurboFan').length, ms: sum('TurboFan', 'ms'), maxZoneBytes: sum('TurboFan', 'maxBytes'), largestBody: Math.max(0, ...fns.filter((f) => f.tier === 'TurboFan').map((f) => f.bodySize)) },
    });
    await tick();
  }
  const roles = chunkRoles(app);
  const moduleCases = [
    ['version', '--version', fileBox, ['--version']],
    ['help', '--help', fileBox, ['--help']],
    ['token-file', 'token (file store)', fileBox, ['token']],
    ...(kcBox ? [['token-keychain', 'token (keychain)', kcBox, ['token']]] : []),
    ['token-renew', 'token (renewing)', renewBox, ['token']],
    ['current-user', 'current-user --json', fileBox, ['current-user', '--json']],
    ['call', 'call current-user', fileBox, ['call', 'current-user']],
    ['status', 'status', fileBox, ['status']],
    ...(endpointsReady ? [['endpoints', 'endpoints (from the cache)', fileBox, ['endpoints']]] : []),
  ];
  const modules = [];
  for (const [id, label, box, args] of moduleCases) {
    modules.push({ id, label, ...modulesLoaded(app, box, args, roles) });
    await tick();
  }

  forgetKeychain();
  await Promise.all([stopStandin(main), stopStandin(renewing), stopStandin(paging)]);

  // Memory.
  const memory = [];
  const timeBin = gnuTime();
  for (const items of opts.memItems) {
    log(`memory: ${fmtInt(items)} items (${elapsed()})`);
    const s = await startStandin(app, `mem-${items}`, ['--token-lifetime', '3600', '--seed', `pipelines=${items}`]);
    const box = sandbox(`mem-${items}`);
    const r = login(app, box, s);
    if (r.status !== 0) die(`login to the ${s.name} stand-in failed: ${r.stderr}`);
    const runs = [];
    for (let i = 0; i < opts.memRuns; i++) {
      const m = await memoryRun(app, box, opts.pageSize, timeBin);
      if (m.lines !== items) die(`memory run printed ${m.lines} lines, expected ${items}`);
      runs.push(m);
    }
    // The experiment of the phase table: the same run with V8's WASM tier-up off.
    let liftoff = null;
    try {
      liftoff = await memoryRun(app, box, opts.pageSize, timeBin, ['--liftoff-only']);
      if (liftoff.lines !== items) die(`memory run (--liftoff-only) printed ${liftoff.lines} lines, expected ${items}`);
    } catch (e) {
      log(`memory run with --liftoff-only failed (an older or newer V8?): ${e.message.slice(0, 300)}`);
    }
    await stopStandin(s);
    const rss = stats(runs.map((m) => m.maxRssKB));
    memory.push({
      items,
      pageSize: opts.pageSize,
      pages: Math.ceil(items / opts.pageSize),
      method: timeBin ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS (preload)',
      maxRssKB: rss,
      wallMs: stats(runs.map((m) => m.wallMs)),
      cpuMs: runs[0].cpuMs === null ? null : stats(runs.map((m) => m.cpuMs)),
      bytesOut: runs[0].bytes,
      standin: { startMs: Math.round(s.startMs), rssKB: s.rssKB },
      runs,
      liftoffOnly: liftoff,
      pass: rss.max < 100 * 1024,
    });
  }

  machine.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const report = {
    date: started.toISOString(),
    durationS: Math.round(Number(process.hrtime.bigint() - wallStart) / 1e9),
    command: reproduceCommand(),
    git,
    machine,
    options: { ...opts, out: undefined },
    snapshot: opts.snapshot,
    standins: Object.fromEntries([main, renewing, paging].map((s) => [s.name, { args: ['--version', '0.9x', '--service-account', 'bench', ...s.args], startMs: Math.round(s.startMs) }])),
    keychain: kcBox ? 'measured' : keychainSkip,
    cases: results,
    paginate: { pages: PAGES, pageSize: PAGE_SIZE, latencyMs: LATENCY, concurrency: CONCURRENCY, ratio: Math.round(pagRatio * 1000) / 1000, target: 0.35, pass: pagRatio <= 0.35 },
    renewal: { verifiedEveryRun: renewVerified, runsChecked: renewalsChecked, verboseShowsLogin: renewLoginSeen },
    phases: { command: 'zenml-api current-user --json', runs: diagRuns, ms: phaseDefault, liftoffOnlyMs: phaseLiftoff, nodeTeardownMs: stats(baseTeardown) },
    imports,
    wasmCompiles,
    modules,
    memory,
    reference: { pythonZenmlCurrentUserMs: PYTHON_ZENML_REFERENCE_MS, note: 'measured earlier on this machine by the team; not measured in this run' },
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.out, 'RESULTS.md'), renderMarkdown(report));
  log(`done in ${elapsed()}: ${join(opts.out, 'RESULTS.md')}, ${join(opts.out, 'results.json')}`);
  printSummary(report);
}

function printSummary(r) {
  for (const c of r.cases) {
    const t = c.target ? `  target ≤ ${c.target}× ${c.pass ? 'pass' : 'FAIL'}` : '';
    process.stdout.write(`${c.display.padEnd(72)} ${fmtMs(c.stats.median).padStart(9)}  ${fmtX(c.ratioToNode).padStart(7)}${t}\n`);
  }
  process.stdout.write(`paginate ${r.paginate.concurrency ?? 4}-at-a-time / one-by-one: ${fmtX(r.paginate.ratio)} (target ≤ 0.35×) ${r.paginate.pass ? 'pass' : 'FAIL'}\n`);
  for (const m of r.memory) process.stdout.write(`memory, ${fmtInt(m.items)} items: max RSS ${fmtMiB(m.maxRssKB.max)} (target < 100 MiB) ${m.pass ? 'pass' : 'FAIL'}\n`);
}

// ---------------------------------------------------------------------------------------------
// RESULTS.md

function renderMarkdown(r) {
  const L = [];
  const c = Object.fromEntries(r.cases.map((x) => [x.id, x]));
  const base = c.node.stats.median;
  const busy = r.machine.loadavgStart[0] > r.machine.cores * 0.5 || r.machine.loadavgEnd[0] > r.machine.cores * 0.5;
  const m = r.machine;

  L.push('# zenml-api benchmarks', '');
  L.push(`Recorded by \`bench/run.mjs\` (see [README.md](README.md) for what each case means). Every number is`);
  L.push('the wall time of a whole process, spawned by a Node script and timed with `process.hrtime.bigint()`;');
  L.push(`cases run round-robin, ${r.options.warmup} warm-up + ${r.options.runs} timed runs each. Ratios are medians divided by the`);
  L.push('median of `node -e 0` measured in the same run.', '');
  L.push('| | |', '|---|---|');
  L.push(`| date | ${r.date} (took ${r.durationS} s) |`);
  L.push(`| command | \`${r.command}\`${r.options.quick ? ' (**quick smoke run**: few runs, small memory cases)' : ''} |`);
  if (r.git) L.push(`| commit | ${r.git.commit}${r.git.dirty ? ' (with uncommitted changes)' : ''} |`);
  L.push(`| CPU | ${m.cpu}, ${m.cores} cores |`);
  L.push(`| memory | ${m.memoryGiB} GiB |`);
  L.push(`| OS | ${m.os} |`);
  L.push(`| Node | ${m.node} |`);
  L.push(`| load average (1 min) | ${m.loadavgStart[0]} at the start, ${m.loadavgEnd[0]} at the end |`);
  L.push('');
  if (busy) {
    L.push(`> **The machine was busy during this run** (load average above half the core count): other`);
    L.push('> processes competed for the CPU, so absolute times are inflated and spreads are wide. The ratios');
    L.push('> hold up better than the absolute numbers, but treat pass/fail near a target with suspicion.', '');
  }

  L.push('## Results', '');
  L.push('| case | median | p10–p90 | min–max | × `node -e 0` | target |');
  L.push('|---|---:|---:|---:|---:|---|');
  const row = (x, note = '') => {
    const s = x.stats;
    const target = x.target ? `≤ ${x.target}× ${verdict(x.pass)}` : note;
    return `| \`${x.display}\` | ${fmtMs(s.median)} | ${fmtMs(s.p10)}–${fmtMs(s.p90)} | ${fmtMs(s.min)}–${fmtMs(s.max)} | ${fmtX(x.ratioToNode)} | ${target} |`;
  };
  for (const x of r.cases.filter((x) => x.group === 'baseline' || x.group === 'cli')) {
    L.push(row(x));
    if (x.id === 'token-file' && !c['token-keychain']) L.push(`| \`zenml-api token (cached, keychain)\` | ${r.keychain} | | | | |`);
  }
  L.push(`| \`zenml (Python CLI) printing the current user\` | ~${fmtMs(r.reference.pythonZenmlCurrentUserMs)} | not measured in this run | | ~${fmtX(r.reference.pythonZenmlCurrentUserMs / base)} | reference |`);
  if (c.curl) L.push(row(c.curl, 'peer: the same request, token pasted in'));
  L.push('');
  L.push(`The Python \`zenml\` line is a reference, **not measured in this run**: about 2.4 s to print the current`);
  L.push(`user, measured earlier on this machine by the team (the Python CLI is not installed here); its ratio`);
  L.push(`uses this run's \`node -e 0\`. \`zenml-api current-user --json\` took ${fmtMs(c['current-user'].stats.median)} here (${(r.reference.pythonZenmlCurrentUserMs / c['current-user'].stats.median).toFixed(1)}× less; the machines' load may differ).`);
  L.push('');
  L.push(`Renewal: the \`token (renews …)\` case runs against a stand-in whose tokens live 20 s, under the`);
  L.push(`30 s renewal leeway, so every call logs in again. ${r.renewal.verifiedEveryRun ? `Verified: after each of the ${r.renewal.runsChecked} runs the stored token had been obtained during that run, and \`token --verbose\` shows \`POST /api/v1/login\` before and after the timed runs.` : `**Not verified** (${r.renewal.runsChecked} runs checked).`}`);
  L.push('');

  if (c['token-keychain'] && c['token-file']) {
    const kc = c['token-keychain'].stats.median;
    const file = c['token-file'].stats.median;
    const native = c['token-keychain-native']?.stats.median;
    L.push('### `token` with the keychain', '');
    L.push(`${fmtMs(kc)} against ${fmtMs(file)} with the file store: the keychain read adds ${fmtMs(kc - file)}${native ? `; through the native binding (\`ZENML_API_KEYCHAIN_DBUS=0\`) the same read takes ${fmtMs(native)} in all` : ''}.`);
    L.push('The read goes over the session bus with the tool\'s own D-Bus client (one socket: EXTERNAL authentication,');
    L.push('`Hello`, `OpenSession`, `SearchItems` pipelined, then `GetSecret`). Measured separately by hand on this machine');
    L.push('(fresh processes, `process.hrtime` marks; not part of this run): requiring `node:net` and the stream machinery');
    L.push('about 4.5 ms (the file-store path writes to fd 1 directly and never loads them), `connect()` about 1.6 ms, the first');
    L.push('round trip through dbus-daemon and gnome-keyring 3–5 ms, `GetSecret` about 1 ms, marshalling 1.3–2 ms of');
    L.push('first-call compilation. The native binding spends about the same on loading its 3 MB module and opening its own');
    L.push('connection. What remains above the target is Node\'s socket stack plus two round trips to the keyring daemon.', '');
  }
  const p = r.paginate;
  L.push('### Pagination', '');
  L.push(`${p.pages} pages of ${p.pageSize} pipelines, ${p.latencyMs} ms added to every request by the stand-in, \`--jsonl\`, output checked (${fmtInt(p.pages * p.pageSize)} lines):`, '');
  L.push('| case | median | p10–p90 | min–max |', '|---|---:|---:|---:|');
  for (const x of r.cases.filter((x) => x.group === 'paginate')) L.push(`| \`${x.display}\` | ${fmtMs(x.stats.median)} | ${fmtMs(x.stats.p10)}–${fmtMs(x.stats.p90)} | ${fmtMs(x.stats.min)}–${fmtMs(x.stats.max)} |`);
  const k = p.concurrency ?? 4;
  const ideal = (1 + Math.ceil((p.pages - 1) / k)) / p.pages;
  L.push('');
  L.push(`Ratio of medians, ${k} at a time (the default) / one after another: **${fmtX(p.ratio)}** (target ≤ 0.35×) ${verdict(p.pass)}. Both include the process`);
  L.push(`start, the first page and the exit; on the latency alone, ${k} at a time could at best reach ${1 + Math.ceil((p.pages - 1) / k)} × ${p.latencyMs} ms against ${p.pages} × ${p.latencyMs} ms (${fmtX(ideal)}),`);
  L.push('and every millisecond of fixed cost (start-up, first request, exit) pulls the ratio towards 1.');
  const fp = c['paginate-first'].stats.median;
  L.push(`The first page alone (\`${c['paginate-first'].display}\`) takes ${fmtMs(fp)}; on top of it the other ${p.pages - 1} pages add`);
  const beyond1 = c['paginate-1'].stats.median - fp;
  const beyondK = (c['paginate-default'] ?? c['paginate-4']).stats.median - fp;
  L.push(`${fmtMs(beyond1)} one after another and ${fmtMs(beyondK)} ${k} at a time: **${fmtX(beyondK / beyond1)}** for the paging itself`);
  L.push(`(the ideal on latency alone is ${fmtX(Math.ceil((p.pages - 1) / k) / (p.pages - 1))}).`);
  const fpNeeded = (0.35 * beyond1 - beyondK) / 0.65;
  if (!p.pass) L.push(fpNeeded > 0 ? `The whole-process ratio misses the target by its fixed cost: it would need the first page, start-up included, in ${fmtMs(fpNeeded)} or less (it takes ${fmtMs(fp)}).` : 'The paging itself misses the target.');
  else L.push(`With this paging, the whole-process ratio stays within the target while the first page, start-up included, takes ${fmtMs(Math.max(0, fpNeeded))} or less (it takes ${fmtMs(fp)}).`);
  L.push('');

  L.push('### Peak memory of `call --paginate --jsonl`', '');
  if (!r.memory.length) L.push('Skipped (`--no-memory`).', '');
  else {
    L.push(`stdout is a pipe the harness drains and counts, so the memory is the tool's own. Max RSS by \`${r.memory[0].method}\`.`, '');
    L.push('| items | pages | max RSS | tool CPU (user+sys) | wall | output | stand-in start / RSS | target < 100 MiB | max RSS with `node --liftoff-only` |');
    L.push('|---:|---:|---:|---:|---:|---:|---:|---|---:|');
    for (const x of r.memory) {
      const rss = x.maxRssKB.n > 1 ? `${fmtMiB(x.maxRssKB.median)} (${fmtMiB(x.maxRssKB.min)}–${fmtMiB(x.maxRssKB.max)})` : fmtMiB(x.maxRssKB.median);
      L.push(`| ${fmtInt(x.items)} | ${x.pages} × ${x.pageSize} | ${rss} | ${x.cpuMs ? fmtMs(x.cpuMs.median) : '–'} | ${fmtMs(x.wallMs.median)} | ${fmtKB(x.bytesOut)} | ${fmtMs(x.standin.startMs)} / ${x.standin.rssKB ? fmtMiB(x.standin.rssKB) : '–'} | ${verdict(x.pass)} | ${x.liftoffOnly ? fmtMiB(x.liftoffOnly.maxRssKB) : '–'} |`);
    }
    L.push('');
    L.push(`Runs per size: ${r.options.memRuns}, plus one run with V8's WASM tier-up off (\`node --liftoff-only\`, the experiment of`);
    L.push('the phase table below; the tool does not do this today). The wall time is mostly the stand-in\'s: it filters and sorts every seeded item');
    L.push('for each page it serves (one Node thread), so the tool waits on it; its own work is the CPU column.');
    if (r.memory.length > 1) {
      const a = r.memory[0];
      const b = r.memory[r.memory.length - 1];
      L.push(`From ${fmtInt(a.items)} to ${fmtInt(b.items)} items (${(b.items / a.items).toFixed(0)}×) the peak went from ${fmtMiB(a.maxRssKB.median)} to ${fmtMiB(b.maxRssKB.median)} (${((b.maxRssKB.median / a.maxRssKB.median - 1) * 100).toFixed(0)} %).`);
    }
    L.push('');
  }

  // Layers.
  const mods = Object.fromEntries(r.modules.map((x) => [x.id, x]));
  L.push('## What each layer costs', '');
  L.push('Differences of medians from the table above, each against the case it builds on (a process-level');
  L.push('measure: noise of a few ms is normal), with the files the case loads that the other does not', '(from "What each command loads" below).', '');
  L.push('| layer | case | median | adds | on top of | files it adds |', '|---|---|---:|---:|---|---|');
  const layer = (label, id, onId) => {
    if (!c[id]) return;
    const d = onId ? c[id].stats.median - c[onId].stats.median : null;
    let added = '';
    if (mods[id]) {
      const before = new Set((mods[onId]?.files ?? []).map((e) => e.file));
      const extra = mods[id].files.filter((e) => !before.has(e.file));
      const big = extra.filter((e) => e.roles.length || e.bytes > 20_000 || e.file.endsWith('.node'));
      added = `${extra.length} file(s), ${fmtKB(extra.reduce((a, e) => a + e.bytes, 0))}${big.length ? `: ${big.map((e) => `${e.roles.length ? e.roles.join(', ') : basename(e.file)} ${fmtKB(e.bytes)}`).join(', ')}` : ''}`;
    }
    L.push(`| ${label} | \`${c[id].display}\` | ${fmtMs(c[id].stats.median)} | ${d === null ? '' : `${d >= 0 ? '+' : '−'}${fmtMs(Math.abs(d))}`} | ${onId ? `\`${c[onId].display}\`` : ''} | ${added} |`);
  };
  layer('Node start-up', 'node');
  layer('the ES module loader (an empty .mjs)', 'empty-esm', 'node');
  layer('`--version`', 'version', 'node');
  layer('`--help`', 'help', 'version');
  layer('`token` (cached, file store)', 'token-file', 'version');
  layer('the keychain instead of the file', 'token-keychain', 'token-file');
  layer('a renewal: one login + writing the new token', 'token-renew', 'token-file');
  layer('a network command: one request + printing', 'current-user', 'help');
  layer('`call` instead of `current-user`', 'call', 'current-user');
  layer('`endpoints` (the API document from the cache, no request)', 'endpoints', 'help');
  L.push('');
  const im = r.imports;
  L.push('Measured in-process (a fresh process each time, median of ' + r.phases.runs + '):', '');
  L.push('| piece | size | time |', '|---|---:|---:|');
  // results.json of an ES module build (before the CommonJS one) has program/undici chunks instead.
  if (im.program) L.push(`| import of the program chunk (commander + command definitions), \`${im.program.chunk}\` | ${fmtKB(im.program.bytes)} | ${fmtMs(im.program.ms.median)} |`);
  if (im.undici) L.push(`| import of the undici chunk, \`${im.undici.chunk}\` | ${fmtKB(im.undici.bytes)} | ${fmtMs(im.undici.ms.median)} |`);
  if (im.bundle) L.push(`| require of \`${im.bundle.file}\` (our code and the small dependencies; after \`dist/fast.cjs\`, as the launcher does) | ${fmtKB(im.bundle.bytes)} | ${fmtMs(im.bundle.ms.median)} |`);
  for (const v of im.vendor ?? []) {
    L.push(`| require of \`${v.file}\` (${v.packages.join(', ') || '?'}) and the first use of its parts (the require alone: ${fmtMs(v.requireMs.median)}) | ${fmtKB(v.bytes)} | ${fmtMs(v.ms.median)} |`);
  }
  L.push(`| compile of undici's HTTP parser (llhttp WASM, SIMD), done at the first connection | | ${fmtMs(im.wasm.median)} |`);
  L.push('');

  // Phases.
  const ph = r.phases.ms;
  const pl = r.phases.liftoffOnlyMs;
  L.push('### Where the time of `current-user --json` goes', '');
  L.push(`Timed inside the process with a preload (\`node --require bench/probe.cjs\`) that subscribes to undici's diagnostics`);
  L.push(`channels; medians of ${r.phases.runs} runs (the preload itself adds a little to the first row). The second`);
  L.push('column is the same command with `v8.setFlagsFromString(\'--liftoff-only\')` run again from the preload, runs');
  L.push('interleaved with the first. The CLI sets that flag itself before undici loads (`src/api/wasm-flags.ts`), so the two');
  L.push('columns should agree; `ZENML_API_WASM_TIERUP=1` turns the CLI\'s setting off.', '');
  L.push('| phase | median | p10–p90 | with `--liftoff-only` |', '|---|---:|---:|---:|');
  const phRow = (name, k) => L.push(`| ${name} | ${fmtMs(ph[k].median)} | ${fmtMs(ph[k].p10)}–${fmtMs(ph[k].p90)} | ${fmtMs(pl[k].median)} |`);
  phRow('Node bootstrap (process start → preload ran)', 'bootstrap');
  phRow('the CLI until the request is created: entry, command parsing, config + credentials, undici import', 'cli');
  phRow('connect to the server + compile the HTTP parser (WASM)', 'connect');
  phRow('connected → request headers written', 'send');
  phRow('the request: headers sent → response headers', 'server');
  phRow('response body', 'body');
  phRow('printing, closing the connection pool, up to the `exit` event', 'finish');
  phRow('after the `exit` event until the process is gone (outside Node\'s clock as seen by the CLI)', 'teardown');
  phRow('total (wall)', 'total');
  L.push('');
  const cu = c['current-user'].stats.median;
  L.push(`Reading: \`current-user --json\` takes ${fmtMs(cu)} against ${fmtMs(base)} for \`node -e 0\`, ${fmtMs(cu - base)} more.`);
  if (im.bundle) {
    // current-user runs without commander: the CLI bundle, then undici.
    const undici = im.vendor.find((v) => v.packages.includes('undici'));
    L.push(`Before the request exists the CLI has spent ${fmtMs(ph.cli.median)} after Node's own bootstrap; measured in-process, loading`);
    L.push(`the CLI bundle costs about ${fmtMs(im.bundle.ms.median)} and loading and evaluating undici's about ${undici ? fmtMs(undici.ms.median) : '?'}.`);
  } else {
    L.push(`Before the request exists the CLI has spent ${fmtMs(ph.cli.median)} after Node's own bootstrap; measured in-process, importing`);
    L.push(`commander and the command definitions costs about ${im.program ? fmtMs(im.program.ms.median) : '?'} and importing the undici chunk about ${im.undici ? fmtMs(im.undici.ms.median) : '?'}.`);
  }
  L.push(`The first connection (TCP to localhost plus compiling the WASM parser, which alone measures ${fmtMs(im.wasm.median)} in a`);
  L.push(`fresh process) takes ${fmtMs(ph.connect.median)}; the request itself ${fmtMs(ph.server.median)} on a local stand-in; printing and closing ${fmtMs(ph.finish.median)}.`);
  const nt = r.phases.nodeTeardownMs.median;
  L.push(`After the \`exit\` event the process still needs ${fmtMs(ph.teardown.median)} to be gone (\`node -e 0\`, measured the same way: ${fmtMs(nt)});`);
  L.push(`with \`--liftoff-only\` it needs ${fmtMs(pl.teardown.median)}.`);
  if (ph.teardown.median - pl.teardown.median > 20 && pl.teardown.median < ph.teardown.median * 0.6) {
    L.push(`\`--liftoff-only\` turns off V8's optimising tier for WebAssembly and nothing else, so the ${fmtMs(ph.teardown.median - pl.teardown.median)} difference is`);
    L.push('the optimising (TurboFan) compile of the llhttp WASM parser running on background threads, which the process waits');
    L.push('for on its way out.');
    const tf = r.wasmCompiles.filter((w) => w.turbofan.functions > 0);
    if (tf.length) {
      const med = (xs) => stats(xs).median;
      L.push(`V8 says so itself: with \`--trace-wasm-compilation-times\`, ${tf.length} of ${r.wasmCompiles.length} runs of \`current-user\` show TurboFan compiling`);
      L.push(`${med(tf.map((w) => w.turbofan.functions))} parser function(s) (largest body ${fmtKB(med(tf.map((w) => w.turbofan.largestBody)))}) in ${fmtMs(med(tf.map((w) => w.turbofan.ms)))} with up to ${fmtKB(med(tf.map((w) => w.turbofan.maxZoneBytes)))} of compiler memory,`);
      L.push(`against ${fmtMs(med(r.wasmCompiles.map((w) => w.liftoff.ms)))} for the baseline (Liftoff) compile of ${med(r.wasmCompiles.map((w) => w.liftoff.functions))} functions.`);
    }
    L.push('A CLI that sends a handful of requests gains nothing from that tier-up. The CLI sets `--liftoff-only` itself');
    L.push('(`src/api/wasm-flags.ts`): a difference this large means that setting did not take effect in this run.');
  }
  L.push('');

  // Modules.
  const notable = (e) => e.roles.length > 0 || e.bytes > 20_000 || e.file.endsWith('.node');
  const name = (e) => (e.file.includes('node_modules/') ? e.file.split('node_modules/').pop() : e.file);
  const holds = (e) => (e.sources.length ? e.sources.join(', ') : e.file.startsWith('bin/') ? 'the launcher' : e.roles.length ? e.roles.join(', ') : e.file.endsWith('.node') ? 'native module' : e.kind === 'esm' && e.bytes < 4096 ? 'esbuild helpers' : '');
  L.push('## What each command loads', '');
  L.push('Files loaded at run time: ES modules seen by a module hook, `require()`d files by a `Module._load` wrapper');
  L.push('(one run each with `bench/probe.cjs`, not timed). Large or notable files are named.', '');
  L.push('| command | files (ESM + CJS) | bytes | notable |', '|---|---:|---:|---|');
  for (const mod of r.modules) {
    const named = mod.files.filter(notable).map((e) => `\`${basename(name(e))}\`${e.roles.length ? ` (${e.roles.join(', ')})` : ''} ${fmtKB(e.bytes)}`);
    L.push(`| \`${mod.label}\` | ${mod.esmCount} + ${mod.cjsCount} | ${fmtKB(mod.bytes)} | ${named.join('; ') || '–'} |`);
  }
  L.push('');
  const tokenMods = r.modules.find((x) => x.label === 'token (file store)');
  if (tokenMods) {
    L.push(`The \`token\` path (file store) loads ${tokenMods.files.length} file(s), ${fmtKB(tokenMods.bytes)} in all (${tokenMods.esmCount} through the ES module loader, ${tokenMods.cjsCount} through \`require()\`):`, '');
    L.push('| file | kind | size | holds (src/) |', '|---|---|---:|---|');
    for (const e of tokenMods.files) L.push(`| \`${name(e)}\` | ${e.kind.toUpperCase()} | ${fmtKB(e.bytes)} | ${holds(e)} |`);
    L.push('');
  }

  L.push('## Targets', '');
  L.push('| target | result |', '|---|---|');
  const t = (name, ok, got) => L.push(`| ${name} | ${got} ${verdict(ok)} |`);
  t('`token` cached (file store) ≤ 1.25× `node -e 0`', c['token-file'].pass, fmtX(c['token-file'].ratioToNode));
  if (c['token-keychain']) t('`token` cached (keychain) ≤ 1.25× `node -e 0`', c['token-keychain'].pass, fmtX(c['token-keychain'].ratioToNode));
  else L.push(`| \`token\` cached (keychain) ≤ 1.25× \`node -e 0\` | ${r.keychain} |`);
  t('`--version` ≤ 1.2×', c.version.pass, fmtX(c.version.ratioToNode));
  t('`--help` ≤ 1.2×', c.help.pass, fmtX(c.help.ratioToNode));
  t('`current-user --json` ≤ 3×', c['current-user'].pass, fmtX(c['current-user'].ratioToNode));
  t(`\`call --paginate\` (${p.concurrency ?? 4} at a time, the default) ≤ 0.35× one after another`, p.pass, fmtX(p.ratio));
  for (const x of r.memory) t(`peak memory, ${fmtInt(x.items)} items < 100 MiB`, x.pass, fmtMiB(x.maxRssKB.max));
  L.push('');
  L.push('Raw numbers (every sample) are in [results.json](results.json).', '');
  return L.join('\n');
}

main().catch((e) => {
  process.stderr.write(`bench: ${e?.stack ?? e}\n`);
  process.exit(1);
});
