import { fstatSync, writeSync } from 'node:fs';
import { terminalSafe } from './sanitize.js';

/** The streams a command writes to, injected so that commands can be run with fakes in tests. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** The terminal's width (80 when stdout is not a terminal or does not say). */
  columns?: number;
  /** Colour on stdout. */
  color: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
  /**
   * Writes to stdout. A promise means the output is backed up (a slow pipe): await it before
   * writing more, as call does with a streamed body; text output may ignore it.
   */
  out(data: string | Uint8Array): void | Promise<void>;
  /** One line to stderr (a newline is added). */
  err(line: string): void;
}

/**
 * Whether to colour a stream: the one place that decides it, for the full CLI and fast.ts alike.
 * `--no-color` and NO_COLOR win, then FORCE_COLOR, then TERM=dumb, then whether it is a terminal.
 */
export function colorWanted(tty: boolean, env: Record<string, string | undefined>, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return tty;
}

/**
 * Writes straight to a file descriptor while nothing has asked for the stream. Creating
 * process.stdout for a pipe (`$(zenml-api token)`) loads node:net and the stream machinery, which
 * costs a short command more than its own code; Node writes to pipes, files and terminals
 * synchronously on Linux anyway, so the bytes and their order are the same. Returns what is left
 * when the descriptor cannot take it this way (one someone made non-blocking: EAGAIN), for the
 * stream to write; a reader that went away (EPIPE, `| head -c0`) ends the output quietly.
 */
function writeSyncFd(fd: 1 | 2, data: string | Uint8Array, onClosed: () => void): Uint8Array | null {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
    return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') return bytes.subarray(done);
    onClosed();
    return null;
  }
}

/** writeSyncFd, the rest (if any) through the stream; resolves once all is written. */
export function writeFd(fd: 1 | 2, text: string, onClosed: () => void = () => undefined): Promise<void> {
  return new Promise((resolve) => void put(fd, text, onClosed, resolve));
}

/**
 * Whether a descriptor is a terminal, asking the tty module (which loads node:net) only when it
 * is a character device: pipes and files are answered by one fstat.
 */
export function fdIsTTY(fd: 0 | 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (fd === 0 ? process.stdin : fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

/** Which of process.stdout/stderr this process has created (stream()): from then on all goes through it. */
const opened = { 1: false, 2: false };

// `| head` closes stdout early: end quietly, with the exit code of a command that succeeded.
const stdoutClosed = () => process.exit(0);

function stream(fd: 1 | 2): NodeJS.WriteStream {
  if (!opened[fd]) {
    opened[fd] = true;
    if (fd === 1)
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') stdoutClosed();
      });
  }
  return fd === 1 ? process.stdout : process.stderr;
}

/**
 * The descriptor first (writeSyncFd); what it cannot take, and everything once the stream exists,
 * through the stream, so that the order holds where streams are asynchronous. `done` is called
 * once all is written; false means the stream is backed up (wait for 'drain').
 */
function put(fd: 1 | 2, data: string | Uint8Array, onClosed: () => void, done?: () => void): boolean {
  const rest = opened[fd] ? data : writeSyncFd(fd, data, onClosed);
  if (rest === null) {
    done?.();
    return true;
  }
  return stream(fd).write(rest, done);
}

/**
 * What a command writes, through the descriptors until a command asks for the stream itself
 * (call's paginated output, prompts), then through the stream (put). Every property is computed
 * when first read: a command that never asks about stdin never creates process.stdin.
 */
export function processIo(env: Record<string, string | undefined> = process.env, noColorFlag = false): Io {
  const once = <T>(f: () => T) => {
    let v: { value: T } | undefined;
    return () => (v ??= { value: f() }).value;
  };
  const outTTY = once(() => fdIsTTY(1));
  const errTTY = once(() => fdIsTTY(2));
  const inTTY = once(() => fdIsTTY(0));
  const write = (fd: 1 | 2, data: string | Uint8Array): Promise<void> | undefined => {
    if (put(fd, data, fd === 1 ? stdoutClosed : () => undefined)) return undefined;
    return new Promise((resolve) => stream(fd).once('drain', () => resolve()));
  };
  return {
    get stdout() {
      return stream(1);
    },
    get stderr() {
      return stream(2);
    },
    get stdin() {
      return process.stdin;
    },
    get stdoutIsTTY() {
      return outTTY();
    },
    get stderrIsTTY() {
      return errTTY();
    },
    get stdinIsTTY() {
      return inTTY();
    },
    get columns() {
      return (outTTY() && process.stdout.columns) || 80;
    },
    get color() {
      return colorWanted(outTTY(), env, noColorFlag);
    },
    get colorErr() {
      return colorWanted(errTTY(), env, noColorFlag);
    },
    out: (data) => write(1, data),
    // Every stderr line may carry server text (names, error details, URLs): never raw controls.
    err: (line) => void write(2, `${terminalSafe(line, { keepNewlines: true })}\n`),
  };
}

/** Waits until what was written through process.stdout/stderr has gone out (descriptor writes already have). */
export function flushProcessIo(): Promise<void> {
  const flush = (s: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (s.destroyed || !s.writable) return resolve();
      s.write('', () => resolve());
    });
  return Promise.all(([1, 2] as const).filter((fd) => opened[fd]).map((fd) => flush(stream(fd)))).then(() => undefined);
}
