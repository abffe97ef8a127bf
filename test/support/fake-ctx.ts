/**
 * A command context for unit tests of a run() or its helpers: streams are PassThroughs, nothing is
 * a terminal, and what the command prints is collected (stdout as text, stderr as lines).
 */
import { PassThrough } from 'node:stream';
import { makeCtx, type Ctx } from '../../src/commands/context.js';
import type { Io } from '../../src/output/io.js';

export function fakeCtx(env: Record<string, string>): { ctx: Ctx; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    color: false,
    colorErr: false,
    out: (t) => void out.push(String(t)),
    err: (l) => void err.push(l),
  };
  return { ctx: makeCtx(io, env, new AbortController().signal), out, err };
}
