/**
 * Runs the built binary (bin/zenml-api.js) as a user would, with a private config folder and a
 * clean environment: nothing from the developer's own setup leaks into a test.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type Result } from 'execa';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/zenml-api.js');

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeout?: number;
}

export type CliResult = Result<{ reject: false; encoding: 'utf8' }>;


export class Sandbox {
  readonly dir: string;
  readonly configDir: string;
  /** Extra environment for every run of this sandbox. */
  env: Record<string, string | undefined>;

  constructor(opts: { keychain?: boolean } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'zenml-api-test-'));
    this.configDir = join(this.dir, 'config');
    this.env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      ZENML_API_CONFIG_DIR: this.configDir,
      NO_COLOR: '1',
      ZENML_API_RETRY_BASE_MS: '5',
      ...(opts.keychain
        ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, ZENML_API_STORE: 'keychain', ZENML_API_KEYCHAIN_TIMEOUT: '5000' }
        : { ZENML_API_STORE: 'file' }),
    };
  }

  private execOptions(opts: RunOptions) {
    return {
      env: { ...this.env, ...opts.env },
      extendEnv: false,
      reject: false,
      encoding: 'utf8',
      stripFinalNewline: false,
      timeout: opts.timeout ?? 60_000,
    } as const;
  }

  async run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const r = (await execa('node', [BIN, ...args], {
      ...this.execOptions(opts),
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
    })) as CliResult;
    failOnInternalError(args, r);
    return r;
  }

  /** Starts the binary and returns the running subprocess (for interactive flows). */
  spawn(args: string[], opts: RunOptions = {}) {
    const proc = execa('node', [BIN, ...args], { ...this.execOptions(opts), stdin: 'ignore' });
    // Awaiting the process checks its stderr as run() does.
    const then = proc.then.bind(proc);
    proc.then = ((onResult, onError) =>
      then((r) => {
        failOnInternalError(args, r);
        return r;
      }).then(onResult, onError)) as typeof proc.then;
    return proc;
  }

  /** Edits a profile's stored access token in the file store (to expire it, or forge it). */
  editStoredToken(profile: string, edit: (t: { token: string; expiresAt: number | null; obtainedAt: number }) => void, secret = 'access-token'): void {
    const path = join(this.configDir, 'credentials.json');
    const data = JSON.parse(readFileSync(path, 'utf8'));
    const t = JSON.parse(data.secrets[`${profile}/${secret}`]);
    edit(t);
    data.secrets[`${profile}/${secret}`] = JSON.stringify(t);
    writeFileSync(path, JSON.stringify(data));
  }

  /** Every file under the config folder, with its content. */
  files(): Array<{ path: string; content: string; mode: number }> {
    const out: Array<{ path: string; content: string; mode: number }> = [];
    const walk = (d: string) => {
      let entries: string[];
      try {
        entries = readdirSync(d);
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(d, e);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else out.push({ path: p, content: readFileSync(p, 'utf8'), mode: st.mode & 0o777 });
      }
    };
    walk(this.configDir);
    return out;
  }

  config(): { current?: string; profiles: Record<string, Record<string, unknown>> } {
    return JSON.parse(readFileSync(join(this.configDir, 'config.json'), 'utf8'));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * An internal error is a bug the user should never see: any run whose stderr says so fails the
 * test that ran it, whatever that test asserts.
 */
export function failOnInternalError(args: string[], r: { stderr: unknown }): void {
  const stderr = String(r.stderr ?? '');
  const line = stderr.split('\n').find((l) => l.includes('internal error'));
  if (line !== undefined) throw new Error(`zenml-api ${args[0] ?? ''} printed an internal error: ${line.slice(0, 300)}`);
}

/** Asserts helper: no secret appears in any of the texts. Returns the offending secret's index or -1. */
export function leaked(texts: string[], secrets: string[]): number {
  for (let i = 0; i < secrets.length; i++) {
    const s = secrets[i]!;
    if (!s) continue;
    if (texts.some((t) => t.includes(s))) return i;
  }
  return -1;
}
