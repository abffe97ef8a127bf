/** Reading secrets: from stdin (scripts) or a hidden prompt on the terminal. */
import { InterruptedError, UsageError } from '../errors.js';
import type { Io } from './io.js';

/** Reads all of stdin as UTF-8; rejects invalid UTF-8. */
export async function readStdin(io: Io, what: string, maxBytes = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > maxBytes) throw new UsageError(`${what} on stdin is larger than ${maxBytes} bytes`);
    chunks.push(b);
  }
  const buf = Buffer.concat(chunks);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new UsageError(`${what} on stdin is not valid UTF-8`);
  }
}

/** A secret from stdin: the first line, trimmed. Empty is an error unless allowed. */
export async function readSecretFromStdin(io: Io, what: string, allowEmpty = false): Promise<string> {
  // A terminal echoes what is pasted into it (and keeps it in scrollback and logs): read it
  // there without echo, as the hidden prompt does.
  const text = io.stdinIsTTY && io.stdin.setRawMode ? await promptHidden(io, what) : await readStdin(io, `the ${what}`, 64 * 1024);
  const line = text.split(/\r?\n/)[0]!.trim();
  if (!allowEmpty && line === '') throw new UsageError(`no ${what} on stdin`);
  return line;
}

/** Prompts on the terminal without echo. Needs a terminal on stdin and stderr. */
export async function promptHidden(io: Io, label: string): Promise<string> {
  if (!io.stdinIsTTY || !io.stdin.setRawMode) {
    throw new UsageError(`no terminal to ask for the ${label} on`, { hint: `Pass it on stdin instead (see --help).` });
  }
  const stdin = io.stdin;
  // Echo off before the prompt shows: what is typed or pasted the moment it appears stays hidden.
  stdin.setRawMode!(true);
  io.stderr.write(`${label[0]!.toUpperCase()}${label.slice(1)}: `);
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(Object.assign(new Error('interrupted'), { interrupted: true }));
        if (ch === '\u0004') return done();
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks a yes/no question on the terminal (stderr); anything but y/yes is a no. */
export async function confirm(io: Io, signal: AbortSignal, question: string): Promise<boolean> {
  const { createInterface } = process.getBuiltinModule('node:readline');
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdinIsTTY });
  try {
    const answer = await new Promise<string>((res, rej) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', interrupted);
        f();
      };
      // Ctrl-C ends the command; Ctrl-D counts as "no". Either way, end the prompt's line.
      function interrupted() {
        settle(() => {
          io.stderr.write('\n');
          rej(new InterruptedError());
        });
      }
      signal.addEventListener('abort', interrupted, { once: true });
      rl.on('SIGINT', interrupted);
      rl.on('close', () =>
        settle(() => {
          io.stderr.write('\n');
          res('');
        }),
      );
      rl.question(`${question} [y/N] `, (a) => settle(() => res(a)));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
