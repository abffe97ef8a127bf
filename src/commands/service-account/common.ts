/**
 * Shared by the `service-account` and `api-key` commands: the accounts API on the active profile,
 * confirmation prompts, where a new API key goes (stdout or a 0600 file, exactly once), and the
 * table rows of accounts and keys. Loaded only when one of those commands runs.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AccountsApi, type ApiKey, type ServiceAccount } from '../../api/accounts.js';
import { CliError, ExitCode, UsageError } from '../../errors.js';
import { confirm } from '../../output/prompt.js';
import type { Cell } from '../../output/table.js';
import type { CommonOptions, Ctx } from '../context.js';
import { connect } from '../session.js';

/** The operation went part of the way (e.g. a key was made but could not be stored): exit 1. */
export class PartialFailure extends CliError {
  readonly exitCode = ExitCode.failure;
}

/** The user answered "no" at a confirmation prompt: exit 1, nothing was changed. */
export class Declined extends CliError {
  readonly exitCode = ExitCode.failure;
}

/** The active profile's session, HTTP client and accounts API. Close `client` when done. */
export async function openAccounts(ctx: Ctx, opts: CommonOptions) {
  const c = await connect(ctx, opts);
  return { ...c, accounts: new AccountsApi(c.client) };
}

/** Runs `work` with openAccounts' result and closes the client however it ends. */
export async function withAccounts<T>(ctx: Ctx, opts: CommonOptions, work: (opened: Awaited<ReturnType<typeof openAccounts>>) => Promise<T>): Promise<T> {
  const opened = await openAccounts(ctx, opts);
  try {
    return await work(opened);
  } finally {
    await opened.client.close();
  }
}

// ------------------------------------------------------------------------------ confirmation

/**
 * Checked before any request: a destructive command without --yes needs a terminal to ask on.
 */
export function requireYesOrTerminal(ctx: Ctx, yes: boolean | undefined, what: string): void {
  if (yes || ctx.io.stdinIsTTY) return;
  throw new UsageError(`refusing to ${what} without confirmation: stdin is not a terminal, so pass --yes`);
}

/** --yes, else a prompt on the terminal; a "no" ends the command. */
export async function confirmOrDecline(ctx: Ctx, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (!(await confirm(ctx.io, ctx.signal, question))) throw new Declined('cancelled: nothing was changed');
}

// ------------------------------------------------------------------------------ key output

/**
 * Where a new API key goes: stdout (the key and a newline, nothing else), or a file created with
 * mode 0600. The file is claimed before the server makes the key (O_EXCL, or a temp file beside
 * it with --force), so a key is never made that then has nowhere to go.
 */
export interface KeySink {
  /** 'stdout' or the file's absolute path. */
  readonly target: 'stdout' | string;
  /** Writes the key. A file that cannot be written falls back to stdout and throws PartialFailure. */
  deliver(key: string): void;
  /** Gives the claimed file back (the key was never made). */
  abort(): void;
}

export function stdoutSink(ctx: Ctx): KeySink {
  return {
    target: 'stdout',
    deliver: (key) => ctx.io.out(`${key}\n`),
    abort: () => undefined,
  };
}

function fileError(flagValue: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  if (code === 'EEXIST') return new UsageError(`--output-file: ${flagValue} already exists`, { hint: 'Pass --force to replace it, or choose another file.' });
  if (code === 'ENOENT') return new UsageError(`--output-file: the folder of ${flagValue} does not exist`);
  if (code === 'EISDIR') return new UsageError(`--output-file: ${flagValue} is a folder`);
  return new UsageError(`--output-file: cannot create ${flagValue}: ${code}`);
}

/** Claims the file now; throws UsageError (exit 2) when it exists (without --force) or cannot be made. */
export function fileSink(ctx: Ctx, flagValue: string, force: boolean): KeySink {
  const path = resolve(flagValue);
  if (force) {
    try {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(flagValue, e);
    }
  }
  const claimed = force ? join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`) : path;
  let fd: number | undefined;
  try {
    fd = openSync(claimed, 'wx', 0o600);
  } catch (e) {
    throw fileError(flagValue, e);
  }
  const release = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    target: path,
    deliver(key) {
      try {
        writeSync(fd!, `${key}\n`);
        fsyncSync(fd!);
        release();
        if (claimed !== path) renameSync(claimed, path);
      } catch (e) {
        release();
        try {
          unlinkSync(claimed);
        } catch {
          /* gone already */
        }
        ctx.io.out(`${key}\n`);
        throw new PartialFailure(`could not write the key to ${flagValue} (${(e as NodeJS.ErrnoException).code ?? String(e)}); it was printed on stdout instead`, {
          hint: 'Save it now: it cannot be shown again.',
        });
      }
    },
    abort() {
      release();
      try {
        unlinkSync(claimed);
      } catch {
        /* gone already */
      }
    },
  };
}

export function keySink(ctx: Ctx, opts: { outputFile?: string; force?: boolean }): KeySink {
  if (opts.outputFile === undefined) {
    if (opts.force) throw new UsageError('--force goes with --output-file');
    return stdoutSink(ctx);
  }
  if (opts.outputFile === '') throw new UsageError('--output-file is empty');
  return fileSink(ctx, opts.outputFile, opts.force === true);
}

// ------------------------------------------------------------------------------ rendering

type Obj = Record<string, unknown>;
const body = (e: { body?: Obj | null }) => (e.body ?? {}) as Obj;
const meta = (e: { metadata?: Obj | null }) => (e.metadata ?? {}) as Obj;
const yesNo = (v: unknown) => (v === undefined || v === null ? '' : v ? 'yes' : 'no');
const str = (v: unknown): Cell => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : (v as Cell));

export const SA_HEAD = ['NAME', 'ID', 'ACTIVE', 'CREATED', 'DESCRIPTION'];

export function saRow(sa: ServiceAccount): Cell[] {
  return [sa.name, sa.id, yesNo(body(sa).active), str(body(sa).created), str(meta(sa).description)];
}

export function saRecord(sa: ServiceAccount): Array<[string, Cell]> {
  return [
    ['name', sa.name],
    ['id', sa.id],
    ['active', yesNo(body(sa).active)],
    ['description', str(meta(sa).description)],
    ['created', str(body(sa).created)],
    ['updated', str(body(sa).updated)],
  ];
}

export const KEY_HEAD = ['NAME', 'ID', 'ACTIVE', 'LAST LOGIN', 'LAST ROTATED', 'CREATED', 'DESCRIPTION'];

export function keyRow(k: ApiKey): Cell[] {
  return [k.name, k.id, yesNo(body(k).active), str(meta(k).last_login), str(meta(k).last_rotated), str(body(k).created), str(meta(k).description)];
}

export function keyRecord(k: ApiKey): Array<[string, Cell]> {
  const sa = body(k).service_account as { name?: string; id?: string } | undefined;
  return [
    ['name', k.name],
    ['id', k.id],
    ['service account', sa ? `${sa.name ?? ''} (${sa.id ?? ''})` : ''],
    ['active', yesNo(body(k).active)],
    ['description', str(meta(k).description)],
    ['retain period (min)', str(meta(k).retain_period_minutes)],
    ['last login', str(meta(k).last_login)],
    ['last rotated', str(meta(k).last_rotated)],
    ['created', str(body(k).created)],
    ['updated', str(body(k).updated)],
  ];
}

/** Adds a hint to an error that has none (e.g. "the account was created; add a key with …"). */
export function withHint(e: unknown, hint: string): unknown {
  if (e instanceof CliError && !e.hint) e.hint = hint;
  return e;
}
