/**
 * `env --format`: every format read back by its own reader gives each value exactly, for values
 * with quotes, spaces, backslashes, dollars and line breaks. Shells that are not installed are
 * skipped and say so.
 */
import { execFileSync } from 'node:child_process';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dotenvQuote, formatVariables, parseFormat, type Format } from '../../src/commands/env/format.js';
import { UsageError } from '../../src/errors.js';
import { installed } from '../support/shells.js';

const PIPED = { stdoutIsTTY: false, color: false };

const VALUES: Record<string, string> = {
  ZENML_STORE_URL: "https://zenml.example.com/team's space/a%20b",
  ZENML_STORE_API_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_',
  ZENML_STORE_VERIFY_SSL: `/tmp/my "certs"/it's a $HOME \`x\` \\ \\\\share ‘q’.pem`,
  MULTI: 'line one\nline two  ',
  EMPTY: '',
};


/** Runs the text in the shell, then prints each variable NUL-terminated. */
function readBack(shell: string, args: string[], script: string): Record<string, string> {
  const names = Object.keys(VALUES);
  const out = execFileSync(shell, [...args, script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const parts = out.split('\0');
  return Object.fromEntries(names.map((n, i) => [n, parts[i]!]));
}

const printAll = (fmt: (n: string) => string) => Object.keys(VALUES).map(fmt).join('; ');

describe.each([
  ['sh', 'sh'],
  ['sh', 'bash'],
  ['sh', 'dash'],
  ['fish', 'fish'],
])('%s format read by %s', (format, shell) => {
  it.skipIf(!installed(shell))('gives back every value exactly', () => {
    const text = formatVariables(VALUES, format as Format, PIPED);
    const script = `${text}\n${printAll((n) => `printf '%s\\0' "$${n}"`)}`;
    expect(readBack(shell, ['-c'], script)).toEqual(VALUES);
  });
});

describe('powershell format', () => {
  it.skipIf(!installed('pwsh'))('read by pwsh gives back every value exactly', () => {
    const text = formatVariables(VALUES, 'powershell', PIPED);
    const script = `${text}\n${Object.keys(VALUES)
      .map((n) => `[Console]::Out.Write($env:${n} + [char]0)`)
      .join('\n')}`;
    const values = readBack('pwsh', ['-NoProfile', '-Command'], script);
    // PowerShell cannot set an empty environment variable: it removes it.
    expect({ ...values, EMPTY: '' }).toEqual(VALUES);
  });

  it('doubles every kind of single quote', () => {
    expect(formatVariables({ A: "it's ‘q’" }, 'powershell', PIPED)).toBe("$env:A = 'it''s ‘‘q’’'\n");
  });
});

describe('dotenv format', () => {
  it('is read back by Node\'s .env reader exactly; plain values stay bare for $GITHUB_ENV', () => {
    const values = { ...VALUES, ZENML_STORE_VERIFY_SSL: '/tmp/my "certs"/a $HOME.pem', BOTH: `/tmp/it's "x" \\ $HOME`, PEM: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' };
    const text = formatVariables(values, 'dotenv', PIPED);
    expect(parseEnv(text)).toEqual(values);
    expect(text).toContain(`ZENML_STORE_API_TOKEN=${VALUES.ZENML_STORE_API_TOKEN}\n`);
    expect(dotenvQuote('X', 'https://zenml.example.com:8080/a/b')).toBe('https://zenml.example.com:8080/a/b');
  });

  it('refuses a value no .env reader takes back unchanged, pointing to json', () => {
    expect(() => dotenvQuote('X', `it's "every" \`kind\``)).toThrow(UsageError);
    const e = (() => {
      try {
        return dotenvQuote('X', `it's\n$HOME`);
      } catch (x) {
        return x as UsageError;
      }
    })() as UsageError;
    expect(e.hint).toContain('--format json');
  });
});

describe('json format and format names', () => {
  it('json is the object itself', () => {
    expect(JSON.parse(formatVariables(VALUES, 'json', PIPED))).toEqual(VALUES);
  });

  it('names are checked, case aside', () => {
    expect(parseFormat('FISH')).toBe('fish');
    expect(() => parseFormat('bash')).toThrow(/--format must be one of sh, fish, powershell, dotenv, json/);
  });
});
