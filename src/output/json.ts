/** JSON to stdout: pretty and coloured on a terminal, compact when piped. */
import type { Io } from './io.js';
import { jsonSafe } from './sanitize.js';

const C = { key: '\x1b[34;1m', str: '\x1b[32m', num: '\x1b[36m', lit: '\x1b[35m', reset: '\x1b[0m' };

/** Pretty-prints JSON with ANSI colours (no dependency: chalk is not needed for this). */
export function colorizeJson(value: unknown, indent = 2): string {
  const text = JSON.stringify(value, null, indent);
  if (text === undefined) return 'null';
  return jsonSafe(text).replace(/("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, str, colon, lit, num) => {
    if (str) return colon ? `${C.key}${str}${C.reset}${colon}` : `${C.str}${str}${C.reset}`;
    if (lit) return `${C.lit}${lit}${C.reset}`;
    if (num) return `${C.num}${num}${C.reset}`;
    return m;
  });
}

/** JSON for a terminal: indented, coloured when wanted, control characters escaped. */
export function prettyJson(value: unknown, color: boolean): string {
  return color ? colorizeJson(value) : jsonSafe(JSON.stringify(value, null, 2) ?? 'null');
}

export function formatJson(value: unknown, io: Pick<Io, 'stdoutIsTTY' | 'color'>): string {
  if (!io.stdoutIsTTY) return `${JSON.stringify(value)}\n`;
  return `${prettyJson(value, io.color)}\n`;
}

export function printJson(io: Io, value: unknown): void {
  io.out(formatJson(value, io));
}
