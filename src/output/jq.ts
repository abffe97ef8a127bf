/**
 * `--jq EXPR`: the command prints JSON into a buffer, and the real jq 1.7.1 (compiled to
 * WebAssembly, the jq-wasm package) filters it, with `jq -r`'s output rules: strings print raw,
 * everything else as jq prints JSON. Loaded only when --jq is given (dist/vendor/jq.cjs).
 *
 * jq-wasm trims what jq wrote; asking for --raw-output0 (a NUL after each output) keeps every
 * output's own trailing characters, and the NULs become the newlines `jq -r` prints. What cannot
 * be kept: leading whitespace of the very first output, and a string holding a NUL (jq refuses
 * it under --raw-output0); both are in docs/DESIGN.md.
 */
import { Writable } from 'node:stream';
import { FilterError, UsageError } from '../errors.js';
import type { Io } from './io.js';

export interface JqResult {
  out: string;
  /** jq's own exit code: 0, 3 (the program does not compile), 5 (it failed on this input)… */
  exitCode: number;
  stderr: string;
}

/** Runs `jq -r EXPR` on the input text. */
export async function jq(input: string, expr: string): Promise<JqResult> {
  const { raw } = await import('jq-wasm');
  const r = await raw(input, expr, ['--raw-output0']);
  const outputs = r.stdout.split('\0');
  outputs.pop(); // after the last NUL: nothing, or what an error cut short
  return { out: outputs.map((o) => `${o}\n`).join(''), exitCode: r.exitCode, stderr: r.stderr };
}

/** jq's error as one line, without jq's own prefixes. */
export function jqErrorLine(stderr: string): string {
  const first = stderr.split('\n').find((l) => l.trim() !== '') ?? 'failed';
  return first
    .replace(/^jq: error \(at [^)]*\)(?: \(not a string\))?: /, '')
    .replace(/^jq: error: /, '')
    .replace(/^jq: /, '')
    .replace(/:$/, '');
}

/** The streams a command writes into when --jq filters its output. */
export function captureIo(io: Io): { io: Io; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1 << 30,
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  const captured: Io = { ...io, stdout: sink, stdoutIsTTY: false, color: false, out: (t) => void sink.write(t) };
  return { io: captured, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs a command with its stdout captured, then prints what `jq -r EXPR` makes of it. A command
 * that fails prints what it had printed (an HTTP error's body) unfiltered, and fails as before.
 */
export async function withJq(expr: string, io: Io, run: (io: Io) => Promise<void>): Promise<void> {
  if (expr.trim() === '') throw new UsageError('--jq needs an expression, e.g. --jq .name');
  const cap = captureIo(io);
  try {
    await run(cap.io);
  } catch (e) {
    io.out(cap.text());
    throw e;
  }
  const r = await jq(cap.text(), expr);
  io.out(r.out);
  if (r.exitCode === 0) return;
  const line = `--jq: ${jqErrorLine(r.stderr)}`;
  // 3: the program does not compile (a bad argument); anything else failed on this input.
  if (r.exitCode === 3) throw new UsageError(line);
  throw new FilterError(line);
}
