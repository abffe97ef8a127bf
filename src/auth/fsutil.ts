/** Small file helpers for the config folder: private modes, atomic writes, strict JSON reads. */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError, UsageError } from '../errors.js';

/**
 * ENOTDIR/EEXIST because the config folder (or a folder above it) is a file: say which file, in
 * words, as a usage error (ZENML_API_CONFIG_DIR or XDG_CONFIG_HOME names the wrong thing).
 */
function notAFolder(path: string, e: unknown): UsageError | null {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'ENOTDIR' && code !== 'EEXIST') return null;
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return new UsageError(`${p} is a file, not a folder`, { hint: 'The config folder (ZENML_API_CONFIG_DIR, else XDG_CONFIG_HOME/zenml-api) must be a folder.' });
      return null;
    } catch {
      /* does not exist: look further up */
    }
  }
  return null;
}

/** Creates the folder (and parents) with mode 0700; tightens an existing one that is wider. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (e) {
    throw notAFolder(dir, e) ?? new StoreError(`cannot create the config folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * The name of a temporary file beside `path`: `<name>.<pid>.<random>.tmp`, unique per process and
 * call (node:crypto is not loaded just for this: start-up cost). Atomic writes and lock files use
 * it, and removeStaleTemps() recognises it.
 */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
}

const TEMP_NAME = /^[^/\\]+\.\d+\.[0-9a-z]+\.tmp$/;

/**
 * A temp file is written and renamed (or linked) within milliseconds; one this old was left by a
 * process killed in between, and may hold every secret of credentials.json.
 */
export const STALE_TEMP_MS = 5 * 60_000;

/** Removes this tool's temp files in `dir` older than STALE_TEMP_MS; never fails the caller. */
export function removeStaleTemps(dir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    const p = join(dir, name);
    try {
      const st = statSync(p);
      if (st.isFile() && now - st.mtimeMs > STALE_TEMP_MS) unlinkSync(p);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
}

/**
 * Writes a file atomically: a temp file beside it (mode 0600), fsync, rename over the target,
 * fsync the folder. Readers see the old content or the new, never a mix. Temp files that a killed
 * process left in the folder are removed on the way.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  removeStaleTemps(dir);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new StoreError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some platforms cannot fsync a folder; the rename is still atomic */
  }
}

/**
 * Reads a JSON object file. Missing → undefined. Anything that is not a JSON object → a StoreError
 * naming the file; the file is left as it is.
 */
export function readJsonObject(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw notAFolder(dirname(path), e) ?? new StoreError(`cannot read ${path}: ${code ?? String(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupted(path, 'it is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupted(path, 'it is not a JSON object');
  return value as Record<string, unknown>;
}

/** A config or credentials file that is not what this tool writes: the whole file is in doubt. */
export class CorruptedFileError extends StoreError {}

export function corrupted(path: string, why: string): StoreError {
  return new CorruptedFileError(`${path} is corrupted (${why}); it was left untouched`, {
    hint: `Fix or move the file away, then run the command again.`,
  });
}
