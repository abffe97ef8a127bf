/**
 * An inter-process lock: a file created with O_EXCL holding the owner's pid and a timestamp.
 * A lock whose owner is dead (same host) or that is older than `staleMs` is broken, under a
 * second "break" lock so that two waiters never both break it and both believe they hold it.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreError } from '../errors.js';

export interface LockOptions {
  /** Give up waiting after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this is stale whatever its owner (default 60 s). */
  staleMs?: number;
}

const HOST = hostname();

function tryCreate(path: string, content = `${process.pid}\n${HOST}\n${Date.now()}\n`): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(`cannot create lock ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function readOwner(path: string): { raw: string; pid: number; host: string; mtimeMs: number } | null {
  try {
    const raw = readFileSync(path, 'utf8');
    const st = statSync(path);
    const [pid, host] = raw.split('\n');
    return { raw, pid: Number(pid), host: host ?? '', mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(owner: { pid: number; host: string; mtimeMs: number; raw: string }, staleMs: number): boolean {
  if (Date.now() - owner.mtimeMs > staleMs) return true;
  if (owner.raw !== '' && !owner.raw.includes('\n')) return false; // half-written by a live creator
  return owner.host === HOST && !alive(owner.pid);
}

/** Breaks a stale lock, at most one breaker at a time; returns true when the lock file is gone. */
function breakStale(path: string, seen: string, staleMs: number): void {
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
    if (now && now.raw === seen) unlinkSync(path);
  } catch {
    /* gone already */
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
    const mine = `${process.pid}\n${HOST}\n${Date.now()}\n${Math.random().toString(36).slice(2)}\n`;
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
      breakStale(path, owner.raw, staleMs);
      continue;
    }
    if (Date.now() > deadline) {
      throw new StoreError(`timed out after ${timeoutMs / 1000} s waiting for the lock ${path}${owner ? ` (held by pid ${owner.pid})` : ''}`, {
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
