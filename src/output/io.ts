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
  out(text: string): void;
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

export function processIo(env: Record<string, string | undefined> = process.env, noColorFlag = false): Io {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    columns: (stdoutIsTTY && process.stdout.columns) || 80,
    color: colorWanted(stdoutIsTTY, env, noColorFlag),
    colorErr: colorWanted(stderrIsTTY, env, noColorFlag),
    out: (text) => {
      process.stdout.write(text);
    },
    // Every stderr line may carry server text (names, error details, URLs): never raw controls.
    err: (line) => {
      process.stderr.write(`${terminalSafe(line, { keepNewlines: true })}\n`);
    },
  };
}
