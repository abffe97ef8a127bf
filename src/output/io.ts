import { terminalSafe } from './sanitize.js';

/** The streams a command writes to, injected so that commands can be run with fakes in tests. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Colour on stdout. */
  color: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
  out(text: string): void;
  /** One line to stderr (a newline is added). */
  err(line: string): void;
}

function colorWanted(tty: boolean, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return tty;
}

export function processIo(env: Record<string, string | undefined> = process.env): Io {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    color: colorWanted(stdoutIsTTY, env),
    colorErr: colorWanted(stderrIsTTY, env),
    out: (text) => {
      process.stdout.write(text);
    },
    // Every stderr line may carry server text (names, error details, URLs): never raw controls.
    err: (line) => {
      process.stderr.write(`${terminalSafe(line, { keepNewlines: true })}\n`);
    },
  };
}
