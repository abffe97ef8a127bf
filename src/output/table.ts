/**
 * Tables as gh prints them: on a terminal, plain columns two spaces apart under an upper-case
 * header, cut to the terminal's width with an ellipsis; piped, tab-separated lines without a
 * header (scripts should use --json). No dependency: this is all there is to it.
 */
import type { Io } from './io.js';
import { terminalSafe } from './sanitize.js';

export type Cell = string | number | boolean | null | undefined;

const GAP = '  ';
const ELLIPSIS = '…';
const MIN_WIDTH = 5;

// Cells hold server text (names, descriptions): control characters made visible.
const text = (c: Cell) => (c === null || c === undefined ? '' : terminalSafe(String(c).replace(/[\t\r\n]+/g, ' ')));
/** Width in columns, counting code points (enough for the names and ids ZenML returns). */
const width = (s: string) => [...s].length;
const bold = (s: string, io: Io) => (io.color && s ? `\x1b[1m${s}\x1b[22m` : s);

function truncate(s: string, w: number): string {
  const cps = [...s];
  return cps.length <= w ? s : `${cps.slice(0, Math.max(0, w - 1)).join('')}${ELLIPSIS}`;
}

/**
 * Column widths that fit `avail`: a column narrower than an even share of what is left keeps its
 * width; the wide ones share the rest (each at least MIN_WIDTH, even if that overflows).
 */
export function fitWidths(natural: number[], avail: number): number[] {
  if (natural.reduce((a, b) => a + b, 0) <= avail) return natural;
  const out = natural.slice();
  let open = natural.map((_, i) => i);
  let left = avail;
  for (;;) {
    const share = Math.floor(left / open.length);
    const fits = open.filter((i) => natural[i]! <= share);
    if (fits.length === 0) {
      open.forEach((i, k) => (out[i] = Math.max(MIN_WIDTH, share + (k < left - share * open.length ? 1 : 0))));
      return out;
    }
    for (const i of fits) left -= natural[i]!;
    open = open.filter((i) => !fits.includes(i));
    if (open.length === 0) return out;
  }
}

function render(io: Io, rows: string[][], header: boolean): string {
  const n = Math.max(...rows.map((r) => r.length));
  const natural = Array.from({ length: n }, (_, c) => Math.max(...rows.map((r) => width(r[c] ?? ''))));
  const widths = fitWidths(natural, Math.max(n * MIN_WIDTH, (io.columns ?? 80) - GAP.length * (n - 1)));
  return rows
    .map((r, ri) =>
      Array.from({ length: n }, (_, c) => {
        const cell = truncate(r[c] ?? '', widths[c]!);
        const pad = c === n - 1 ? '' : ' '.repeat(widths[c]! - width(cell));
        return ((header && ri === 0) || (!header && c === 0) ? bold(cell, io) : cell) + pad;
      })
        .join(GAP)
        .trimEnd(),
    )
    .join('\n') + '\n';
}

export async function printTable(io: Io, head: string[], rows: Cell[][]): Promise<void> {
  if (!io.stdoutIsTTY) {
    io.out(rows.map((r) => r.map(text).join('\t')).join('\n') + (rows.length ? '\n' : ''));
    return;
  }
  io.out(render(io, [head.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(text))], true));
}

/** Two columns, field and value: for one object (current-user, profile show). */
export async function printRecord(io: Io, rows: Array<[string, Cell]>): Promise<void> {
  if (!io.stdoutIsTTY) {
    io.out(rows.map(([k, v]) => `${k}\t${text(v)}`).join('\n') + '\n');
    return;
  }
  io.out(render(io, rows.map(([k, v]) => [`${k}:`, text(v)]), false));
}
