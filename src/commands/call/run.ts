import type { HttpClient, HttpResponse, StreamedResponse } from '../../api/http.js';
import { apiErrorFrom, MAX_BODY_BYTES, readBounded } from '../../api/http.js';
import { BufferPool } from '../../api/buffer-pool.js';
import { openPage } from '../../api/page-scan.js';
import { DEFAULT_CONCURRENCY, isPage, paginate } from '../../api/paginate.js';
import { UsageError } from '../../errors.js';
import { prettyJson } from '../../output/json.js';
import { terminalSafe } from '../../output/sanitize.js';
import { ReusedBufferWriter } from '../../output/reused-buffer.js';
import { readStdin } from '../../output/prompt.js';
import type { Ctx } from '../context.js';
import type { CallArgs, CallOptions } from './spec.js';
import { apiPath, buildFields, flattenFields, parseHeader, splitKeyValue, type FileReader } from './fields.js';

type Options = CallOptions;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** A file that cannot be read, in words ("no such file: x.json", not "ENOENT"). */
// Taken when a file is read, not at start-up: node:fs/promises loads readline and the file watchers.
const fsp = () => process.getBuiltinModule('node:fs/promises');

function unreadable(flag: string, path: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', ENOTDIR: 'a part of the path is not a folder' };
  if (code === 'ENOENT') return new UsageError(`${flag}no such file: ${path}`);
  return new UsageError(`${flag}cannot read ${path}: ${(code && why[code]) ?? code ?? String(e)}`);
}

function fileReader(ctx: Ctx): FileReader {
  let stdinUsed = false;
  return {
    async readFile(path: string) {
      try {
        const st = await fsp().stat(path);
        if (st.isDirectory()) throw new UsageError(`@${path} is a directory, not a file`);
        return await fsp().readFile(path, 'utf8');
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw unreadable('', path, e);
      }
    },
    async readStdin() {
      if (stdinUsed) throw new UsageError('stdin can be read only once (@- or --input -)');
      stdinUsed = true;
      const text = await readStdin(ctx.io, 'the field value');
      // An empty pipe is a mistake far more often than a wanted empty string (which -f name= gives).
      if (text === '') throw new UsageError('@-: stdin is empty (for an empty string, use -f key=)');
      return text;
    },
  };
}

async function readInput(path: string, ctx: Ctx): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.io.stdin as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return Buffer.concat(chunks);
  }
  try {
    const st = await fsp().stat(path);
    if (st.isDirectory()) throw new UsageError(`--input ${path} is a directory, not a file`);
    return await fsp().readFile(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw unreadable('--input: ', path, e);
  }
}

/** The status line and headers, as curl -i prints them; the reason phrase is the standard one. */
async function headerBlock(res: Pick<HttpResponse, 'status' | 'headers'>): Promise<string> {
  // node:http only for its table of reason phrases, and only with -i.
  const { STATUS_CODES } = process.getBuiltinModule('node:http');
  const reason = STATUS_CODES[res.status];
  const lines = [`HTTP/1.1 ${res.status}${reason ? ` ${reason}` : ''}`];
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${k === 'set-cookie' ? one.replace(/=([^;]*)/, '=[redacted]') : one}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** Writes, waiting when the output is backed up (keeps the memory of a long answer flat). */
function write(ctx: Ctx, chunk: string | Buffer): Promise<void> | void {
  return ctx.io.out(chunk);
}

function isJsonResponse(res: Pick<HttpResponse, 'headers'>): boolean {
  const ct = res.headers['content-type'];
  return /\bjson\b/i.test(Array.isArray(ct) ? (ct[0] ?? '') : (ct ?? ''));
}

/** Piped: the server's bytes as they came. On a terminal: JSON indented, anything else made safe. */
function printBody(ctx: Ctx, res: Pick<HttpResponse, 'headers' | 'body'>): Promise<void> | void {
  if (res.body.length === 0) return;
  if (!ctx.io.stdoutIsTTY) return write(ctx, res.body);
  if (isJsonResponse(res)) {
    try {
      const v = JSON.parse(res.body.toString('utf8')) as unknown;
      return write(ctx, `${prettyJson(v, ctx.io.color)}\n`);
    } catch {
      /* not JSON after all: print it as text */
    }
  }
  return write(ctx, terminalSafe(res.body.toString('utf8'), { keepNewlines: true }));
}

/**
 * A successful answer goes to a pipe as it arrives, never held whole; on a terminal it is read
 * (within the cap) to be indented or made safe first.
 */
async function printStream(ctx: Ctx, res: StreamedResponse, silent: boolean | undefined): Promise<void> {
  if (!silent && ctx.io.stdoutIsTTY) {
    await printBody(ctx, { headers: res.headers, body: await readBounded(res.stream, res.headers, MAX_BODY_BYTES, new URL(res.url)) });
    return;
  }
  for await (const chunk of res.stream) if (!silent) await write(ctx, chunk);
}

export async function run({ methodOrPath: first, path: second }: CallArgs, opts: Options, ctx: Ctx): Promise<void> {
  let method: string | undefined = opts.method?.toUpperCase();
  let path: string;
  const isMethod = (a: string) => a === a.toUpperCase() && METHODS.has(a);
  if (second === undefined && isMethod(first)) throw new UsageError(`${first} is a method: give the path after it (call ${first} PATH)`);
  if (second !== undefined && !METHODS.has(first.toUpperCase()) && METHODS.has(second.toUpperCase())) {
    const m = second.toUpperCase();
    throw new UsageError(`${second} is a method: put it first (call ${m} ${first.slice(0, 80)}) or use -X ${m}`);
  }
  if (second !== undefined) {
    const m = first.toUpperCase();
    if (!METHODS.has(m)) throw new UsageError(`unknown HTTP method ${JSON.stringify(first.slice(0, 20))} (the method comes first: call GET PATH)`);
    if (method && method !== m) throw new UsageError(`two methods given: ${m} and -X ${method}`);
    method = m;
    path = second;
  } else path = first;
  if (method && !METHODS.has(method)) throw new UsageError(`unknown HTTP method ${JSON.stringify(method.slice(0, 20))}`);
  if (opts.jsonl && !opts.paginate) throw new UsageError('--jsonl goes with --paginate');
  let concurrency = DEFAULT_CONCURRENCY;
  if (opts.concurrency !== undefined) {
    concurrency = Number(opts.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new UsageError('--concurrency must be a whole number from 1 to 32');
  }
  if (opts.include && opts.silent) throw new UsageError('--silent prints nothing: it cannot go with -i/--include');
  if (opts.jq !== undefined && (opts.include || opts.silent)) throw new UsageError(`--jq filters the body: it cannot go with ${opts.include ? '-i/--include' : '--silent'}`);
  const query: Array<[string, string]> = (opts.query ?? []).map((q) => {
    // gh users reach for -q as gh's --jq: say so instead of only "needs key=value".
    if (!q.includes('=') && /^\s*[.[]/.test(q)) throw new UsageError(`-q/--query adds a query parameter (key=value); to filter the response with jq, use --jq ${JSON.stringify(q.slice(0, 60))}`);
    return splitKeyValue(q, '-q/--query');
  });
  const headers: Record<string, string> = {};
  for (const h of opts.header ?? []) {
    const [k, v] = parseHeader(h);
    headers[k.toLowerCase()] = v;
  }
  const fieldArgs = opts.field ?? opts.typedField ?? [];
  const hasFields = fieldArgs.length > 0;
  if (hasFields && opts.input !== undefined) throw new UsageError('use fields (-f/-F) or --input, not both');
  const fields = hasFields ? await buildFields(fieldArgs, fileReader(ctx)) : undefined;
  method ??= hasFields || opts.input !== undefined ? 'POST' : 'GET';
  let body: string | Uint8Array | undefined;
  if (opts.input !== undefined) body = await readInput(opts.input, ctx);
  else if (fields) {
    if (method === 'GET' || method === 'HEAD') query.push(...flattenFields(fields));
    else if (opts.form) {
      body = new URLSearchParams(flattenFields(fields)).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else {
      body = JSON.stringify(fields);
      headers['content-type'] ??= 'application/json';
    }
  }
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
  if (opts.paginate && method !== 'GET') throw new UsageError('--paginate works with GET requests only');

  const { client } = await openClient(opts, ctx);
  try {
    const target = opts.pro ? path : apiPath(path);
    const url = client.resolve(target); // refuses other origins before anything is sent
    // --- API discovery hints (src/discovery/hints.ts): cached document only, never fails the call.
    const hints = opts.pro ? null : await import('../../discovery/hints.js').then((m) => m.callHints(ctx, client.baseUrl, method, url, query)).catch(() => null);
    // ---
    const req = { method, path: target, query, headers, ...(body !== undefined ? { body } : {}), allowErrorStatus: true };
    // --paginate parses the first page; everything else streams a successful body to stdout.
    const res = opts.paginate ? await client.request(req) : await client.requestStream(req);
    hints?.after(res.status);
    if (opts.paginate && res.status < 400 && !('stream' in res)) return await runPaginate(ctx, client, target, query, headers, res, concurrency, opts);
    if (opts.include && !opts.silent) {
      const block = await headerBlock(res);
      await write(ctx, ctx.io.stdoutIsTTY ? terminalSafe(block, { keepNewlines: true }) : block);
    }
    if ('stream' in res) return await printStream(ctx, res, opts.silent);
    if (!opts.silent || res.status >= 400) await printBody(ctx, res);
    if (res.status >= 400) throw apiErrorFrom(res.status, res.error!, res.text());
  } finally {
    await client.close();
  }
}

async function openClient(opts: Options, ctx: Ctx): Promise<{ client: HttpClient }> {
  if (opts.pro) {
    const { connectPro } = await import('../pro/session.js');
    return connectPro(ctx, opts);
  }
  const { connect } = await import('../session.js');
  return connect(ctx, opts);
}

const NEWLINE = Buffer.from('\n');
const COMMA = Buffer.from(',');

async function runPaginate(
  ctx: Ctx,
  client: HttpClient,
  path: string,
  query: Array<[string, string]>,
  headers: Record<string, string>,
  first: HttpResponse,
  concurrency: number,
  opts: Options,
): Promise<void> {
  const value = first.json<unknown>();
  if (!isPage(value)) {
    ctx.warn('note: the response is not a ZenML Page; printing it as it is');
    await printBody(ctx, first);
    return;
  }
  const baseQuery = query.filter(([k]) => k !== 'page');
  // An array on a terminal is indented (and coloured); --jsonl and anything else is compact.
  const pretty = ctx.io.stdoutIsTTY && !opts.jsonl;
  const fmt = (item: unknown) => prettyJson(item, ctx.io.color);
  // Compact output copies each item's bytes from the response where they are already what
  // JSON.stringify would print (see api/page-scan.ts); only the indented form needs the objects.
  const compact = (item: unknown) => (Buffer.isBuffer(item) ? item : Buffer.from(JSON.stringify(item)));
  const out = new ReusedBufferWriter(ctx.io.stdout);
  let count = 0;
  const progress = ctx.io.stderrIsTTY && !opts.silent;
  if (!opts.jsonl && !opts.silent) await write(ctx, '[');
  const askedPage = query.find(([k]) => k === 'page')?.[1];
  // The pages in flight, the one being printed and one more: the bodies of every page after that.
  const bodies = new BufferPool(concurrency + 2);
  await paginate({
    first: value,
    firstAsked: askedPage === undefined ? 1 : Number(askedPage),
    concurrency,
    // Opened only when printed: pages that arrive early wait as bytes (see paginate.ts).
    fetchPage: (n) => client.request({ path, query: [...baseQuery, ['page', String(n)]], headers, allocate: bodies.take }),
    release: (r) => bodies.give(r.body),
    open: (r) => (pretty ? r.json<unknown>() : openPage(r.body, () => r.json<unknown>())),
    onItems: async (items) => {
      if (opts.silent) return;
      if (pretty) {
        let chunk = '';
        for (const item of items) {
          chunk += `${count > 0 ? ',' : ''}\n${fmt(item)}`;
          count += 1;
        }
        if (chunk) await write(ctx, chunk);
        return;
      }
      for (const item of items) {
        // put() returns a promise only when it had to write first: no await per item otherwise.
        let wait = !opts.jsonl && count > 0 ? out.put(COMMA) : undefined;
        if (wait) await wait;
        wait = out.put(compact(item));
        if (wait) await wait;
        wait = opts.jsonl ? out.put(NEWLINE) : undefined;
        if (wait) await wait;
        count += 1;
      }
      await out.flush();
    },
    onProgress: progress ? (done, total) => ctx.io.stderr.write(`\r${done}/${total} pages, ${count} items`) : undefined,
  }).catch((e) => {
    if (progress) ctx.io.stderr.write('\n');
    throw e;
  });
  if (progress) ctx.io.stderr.write('\n');
  if (!opts.jsonl && !opts.silent) await write(ctx, pretty && count ? '\n]\n' : ']\n');
}
