/**
 * Tables: cli-table3 on a terminal, tab-separated lines when piped (scripts should use --json).
 * cli-table3 and chalk are loaded only when a table is drawn on a terminal.
 */
import type { Io } from './io.js';
import { terminalSafe } from './sanitize.js';

export type Cell = string | number | boolean | null | undefined;

// Cells hold server text (names, descriptions): control characters made visible.
const text = (c: Cell) => (c === null || c === undefined ? '' : terminalSafe(String(c), { keepNewlines: true }));

export async function printTable(io: Io, head: string[], rows: Cell[][]): Promise<void> {
  if (!io.stdoutIsTTY) {
    io.out(rows.map((r) => r.map((c) => text(c).replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + (rows.length ? '\n' : ''));
    return;
  }
  const [{ default: Table }, { Chalk }] = await Promise.all([import('cli-table3'), import('chalk')]);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const t = new Table({
    head: head.map((h) => chalk.bold(h)),
    style: { head: [], border: io.color ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(r.map(text));
  io.out(`${t.toString()}\n`);
}

/** Two columns, field and value: for one object (current-user, profile show). */
export async function printRecord(io: Io, rows: Array<[string, Cell]>): Promise<void> {
  if (!io.stdoutIsTTY) {
    io.out(rows.map(([k, v]) => `${k}\t${text(v)}`).join('\n') + '\n');
    return;
  }
  const [{ default: Table }, { Chalk }] = await Promise.all([import('cli-table3'), import('chalk')]);
  const chalk = new Chalk({ level: io.color ? 1 : 0 });
  const t = new Table({
    style: { head: [], border: io.color ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const [k, v] of rows) t.push({ [chalk.bold(k)]: text(v) });
  io.out(`${t.toString()}\n`);
}
