/**
 * An inter-process lock: a file holding the owner's pid, host and a timestamp. It is written as a
 * temp file and hard-linked into place (link fails if the lock exists), so a lock file always
 * names its owner: a process killed, or a disk full, between creating and writing it cannot leave
 * an empty lock. A lock whose owner is dead (same host), that is older than `staleMs`, or whose
 * content is unreadable or garbled and older than GARBLED_STALE_MS, is broken, under a second
 * "break" lock so that two waiters never both break it and both believe they hold it.
 */
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { StoreError } from '../errors.js';
import { tempPathFor } from './fsutil.js';

export interface LockOptions {
  /** Give up waiting after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this is stale whatever its owner (default 60 s). */
  staleMs?: number;
}

/**
 * A lock that does not name a live owner this long after it was made is stale. Only the fallback
 * for file systems without hard links (below) can show a half-written lock, and only for the
 * moment between its open and its write.
 */
export const GARBLED_STALE_MS = 2_000;

/** This machine's name, asked when a lock is first taken or judged (not at start-up: node:os). */
let host: string | undefined;
const thisHost = () => (host ??= process.getBuiltinModule('node:os').hostname());

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
const cannot = (path: string, e: unknown) => new StoreError(`cannot create lock ${path}: ${code(e) ?? String(e)}`);

/** File systems without hard links (some network and FAT mounts) answer link() with these. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function tryCreate(path: string, content = `${process.pid}\n${thisHost()}\n${Date.now()}\n`): boolean {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    if (NO_LINKS.has(code(e) ?? '')) return createInPlace(path, content);
    throw cannot(path, e);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
  }
}

/** Exclusive create, then write: the one way left where links are not supported. */
function createInPlace(path: string, content: string): boolean {
  try {
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw cannot(path, e);
  }
}

interface Owner {
  /** The file's content, or null when it cannot be read (a folder, no permission). */
  raw: string | null;
  /** The owner it names, or null when the content is not "pid\nhost\ntime\n…". */
  named: { pid: number; host: string } | null;
  mtimeMs: number;
}

function parseOwner(raw: string | null): Owner['named'] {
  if (raw === null) return null;
  const [pid, host, time] = raw.split('\n');
  const n = Number(pid);
  if (!Number.isSafeInteger(n) || n <= 0 || !host || time === undefined || !Number.isFinite(Number(time)) || time === '') return null;
  return { pid: n, host };
}

/** The lock as it is now; null when it is gone. */
function readOwner(path: string): Owner | null {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return null;
  }
  let raw: string | null;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    if (code(e) === 'ENOENT') return null;
    raw = null;
  }
  return { raw, named: parseOwner(raw), mtimeMs };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return code(e) === 'EPERM';
  }
}

function isStale(owner: Owner, staleMs: number): boolean {
  const age = Date.now() - owner.mtimeMs;
  if (age > staleMs) return true;
  if (!owner.named) return age > GARBLED_STALE_MS;
  return owner.named.host === thisHost() && !alive(owner.named.pid);
}

const sameLock = (a: Owner, b: Owner) => a.raw === b.raw && a.mtimeMs === b.mtimeMs;

/** Breaks a stale lock, at most one breaker at a time. */
function breakStale(path: string, seen: Owner, staleMs: number): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker)) {
    const b = readOwner(breaker);
    if (b && isStale(b, Math.min(staleMs, 10_000))) {
      try {
        unlinkSync(breaker);
      } catch {
        /* someone else did */
      }
    }
    return;
  }
  try {
    const now = readOwner(path);
    if (now && sameLock(now, seen)) unlinkSync(path);
  } catch {
    /* gone already, or cannot be removed (a folder): the wait times out with a message */
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      /* ignore */
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function acquireLock(path: string, opts: LockOptions = {}): Promise<() => void> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    const mine = `${process.pid}\n${thisHost()}\n${Date.now()}\n${Math.random().toString(36).slice(2)}\n`;
    if (tryCreate(path, mine)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          // Only our own lock: if it was broken as stale and taken by another, leave theirs alone.
          if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    }
    const owner = readOwner(path);
    if (owner && isStale(owner, staleMs)) {
      breakStale(path, owner, staleMs);
      continue;
    }
    if (Date.now() > deadline) {
      const held = owner ? (owner.named ? ` (held by pid ${owner.named.pid})` : ' (it names no owner)') : '';
      throw new StoreError(`timed out after ${timeoutMs / 1000} s waiting for the lock ${path}${held}`, {
        hint: 'If no other zenml-api is running, delete that file.',
      });
    }
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 1.5, 50);
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T> | T, opts?: LockOptions): Promise<T> {
  const release = await acquireLock(path, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}
