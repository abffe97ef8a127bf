// npm run demo: the whole flow against a local stand-in ZenML server, in a throwaway config
// folder, so a newcomer sees login, token, current-user, call and status on a fresh machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'zenml-api.js');
const config = mkdtempSync(join(tmpdir(), 'zenml-api-demo-'));
const env = {
  ...process.env,
  ZENML_API_CONFIG_DIR: config,
  // A throwaway demo: keep its secrets in the throwaway folder, not in your keychain.
  ZENML_API_STORE: 'file',
  ZENML_STORE_URL: '',
  ZENML_STORE_API_KEY: '',
  ZENML_API_PROFILE: '',
};
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

/** Runs zenml-api; `show` lets it write to this terminal (tables, colour), else its output is captured. */
function zen(args, { input, quiet = false, show = false } = {}) {
  console.log(`\n${bold(`$ zenml-api ${args.join(' ')}`)}${input !== undefined && !quiet ? '   # secret on stdin' : ''}`);
  if (show) {
    const r = spawnSync(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`zenml-api ${args[0]} exited with ${r.status}`);
    return '';
  }
  const r = spawnSync(process.execPath, [bin, ...args], { env, input: input ?? '', encoding: 'utf8' });
  if (!quiet) {
    process.stdout.write(r.stdout && !r.stdout.endsWith('\n') ? `${r.stdout}\n` : r.stdout);
    process.stdout.write(r.stderr);
  }
  if (r.status !== 0) {
    if (quiet) process.stdout.write(r.stderr);
    throw new Error(`zenml-api ${args[0]} exited with ${r.status}`);
  }
  return r.stdout;
}

const server = spawn(process.execPath, [join(root, 'build', 'standin.js'), '--version', '0.9x', '--token-lifetime', '3600', '--seed', 'pipelines=42'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).url);
  });
  server.on('exit', (code) => reject(new Error(`the stand-in server exited (${code})`)));
});

let failed = false;
try {
  console.log(`A stand-in ZenML server (0.9x wire format) is listening on ${url}; config folder: ${config}`);
  console.log('\nAs the admin user, create a service account and an API key for it (key captured, not shown):');
  zen(['login', url, '--username', 'default', '--password-stdin', '--profile', 'admin'], { input: '' });
  const sa = JSON.parse(zen(['call', 'POST', 'service_accounts', '-f', 'name=demo-bot', '-f', 'description=made by npm run demo', '-F', 'active=true', '--profile', 'admin']));
  const key = JSON.parse(zen(['call', 'POST', `service_accounts/${sa.id}/api_keys`, '-f', 'name=default', '--profile', 'admin'], { quiet: true })).body.key;

  console.log('\nNow log in as the service account, the way a CI job or a script would:');
  zen(['login', url, '--api-key', '-', '--profile', 'bot'], { input: key });
  const token = zen(['token']);
  console.log(`(a ${token.trim().length}-character JWT; use it as: curl -H "Authorization: Bearer $(zenml-api token)" ${url}/api/v1/current-user)`);
  zen(['token', '--json'], { show: true });
  zen(['current-user'], { show: true });
  zen(['call', 'pipelines', '-q', 'size=2', '-q', 'name=contains:1'], { show: true });
  const lines = zen(['call', 'pipelines', '--paginate', '--jsonl', '-q', 'size=10'], { quiet: true }).trim().split('\n');
  console.log(`(${lines.length} pipelines, one JSON object per line, fetched 10 per page, up to 6 pages at a time)`);
  zen(['status'], { show: true });
  console.log(`\n${bold('Done.')} Try your own server: zenml-api login https://your-zenml-server --api-key`);
} catch (e) {
  failed = true;
  console.error(`demo failed: ${e.message}`);
} finally {
  server.kill('SIGTERM');
  rmSync(config, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
