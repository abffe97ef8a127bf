/**
 * Variables as text for a shell, a .env file or JSON: each format quotes every value so that
 * reading the text back gives the value exactly, or refuses it.
 */
import { UsageError } from '../../errors.js';
import type { Io } from '../../output/io.js';
import { formatJson } from '../../output/json.js';

export const FORMATS = ['sh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(raw: string): Format {
  const f = (FORMATS as readonly string[]).find((x) => x === raw.toLowerCase());
  if (!f) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(raw.slice(0, 40))}`);
  return f as Format;
}

/** POSIX sh (bash, zsh, dash): single quotes take everything literally but themselves. */
export const shQuote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;

/** fish: in single quotes only \' and \\ are escapes. */
export const fishQuote = (v: string) => `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** PowerShell: single-quoted strings are literal; a quote (typographic ones count) is doubled. */
export const powershellQuote = (v: string) => `'${v.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;

/**
 * .env files: their readers (python-dotenv, Node's --env-file and util.parseEnv, the dotenv npm
 * package, docker compose) agree on bare words, on single quotes around text without ' or a line
 * break, and on double quotes around text without " \ or $ (line breaks written as \n). Text with
 * both quote kinds goes in backquotes, which Node's reader and the dotenv package take (python-dotenv
 * does not). A value that fits none is refused rather than written in a form a reader would change.
 * GitHub's $GITHUB_ENV reads every value as it stands, so bare words are used whenever they do.
 */
export function dotenvQuote(name: string, v: string): string {
  if (/^[A-Za-z0-9_@%+=:,./~-]*$/.test(v)) return v;
  if (!/['\r\n]/.test(v)) return `'${v}'`;
  if (!/["\\$\r]/.test(v)) return `"${v.replaceAll('\n', '\\n')}"`;
  if (!/[`\r\n]/.test(v)) return `\`${v}\``;
  throw new UsageError(`the value of ${name} cannot be written safely in a .env file (it holds every quote kind, or a line break with \\ or $)`, {
    hint: 'Use --format json or sh.',
  });
}

const LINE: Record<Exclude<Format, 'json'>, (name: string, value: string) => string> = {
  sh: (k, v) => `export ${k}=${shQuote(v)}`,
  fish: (k, v) => `set -gx ${k} ${fishQuote(v)}`,
  powershell: (k, v) => `$env:${k} = ${powershellQuote(v)}`,
  dotenv: (k, v) => `${k}=${dotenvQuote(k, v)}`,
};

export function formatVariables(vars: Record<string, string>, format: Format, io: Pick<Io, 'stdoutIsTTY' | 'color'>): string {
  if (format === 'json') return formatJson(vars, io);
  const line = LINE[format];
  return Object.entries(vars)
    .map(([k, v]) => `${line(k, v)}\n`)
    .join('');
}
