/**
 * The one HTTP pipeline of zenml-api, over node:http (api/transport.ts). Loaded only by commands that go to the network.
 *
 * - joins paths to the base URL and refuses other origins, so the bearer token never leaves it;
 * - adds `Authorization: Bearer` from a TokenProvider, `User-Agent`, `X-Request-ID`, and an
 *   `Idempotency-Key` that every retry of the same request reuses;
 * - retries connection errors, 408, 429, 502, 503, 504 with exponential backoff, jitter and
 *   `Retry-After`, bounded in count and in total time;
 * - a deadline per attempt; TLS with a CA bundle or without verification; proxies from the env;
 * - turns error bodies into ApiError, transport failures into NetworkError;
 * - on a 401 that means "token expired or bad", asks the TokenProvider to renew once and retries once.
 */
import { CliError, InterruptedError, NetworkError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { parseErrorBody } from './error-body.js';
import { MAX_BODY_BYTES } from './limits.js';
import { redact } from './redact.js';
import { apiErrorFrom, headerValue, isRenewable401, makeResponse, type HttpResponse } from './response.js';
import { backoffDelay, DEFAULT_RETRY, defaultSleep, parseRetryAfter, RETRY_STATUSES, SAFE_METHODS, UNPROCESSED_STATUSES, type RetryPolicy } from './retry.js';
import { randomUuid } from './uuid.js';
import { buildTransport, describeTransportError, type TlsOptions, type Transport, type TransportFailure } from './transport.js';

export type { HttpResponse, RetryPolicy, TlsOptions };
export { apiErrorFrom, backoffDelay, defaultSleep, isRenewable401, MAX_BODY_BYTES, parseRetryAfter };

export interface TokenProvider {
  /** The bearer token to send, or null to send none. */
  token(): Promise<string | null>;
  /**
   * Called once after a 401 that means the token was rejected. Returns true when a new token is
   * available and the request should be retried.
   */
  renew?(rejectedToken: string | null): Promise<boolean>;
}

export interface ClientOptions {
  /** Origin plus optional root path, without a trailing slash. */
  baseUrl: string;
  tokenProvider?: TokenProvider;
  timeoutMs?: number;
  tls?: TlsOptions;
  retry?: Partial<RetryPolicy>;
  /** --verbose logger; lines are redacted before they get here. */
  log?: (line: string) => void;
  /** Aborts everything (Ctrl-C). */
  signal?: AbortSignal;
  /** Extra strings to redact from logs (the secrets this process holds). */
  secrets?: () => readonly string[];
  /**
   * Whether the server dedupes retried writes by Idempotency-Key (0.9x does, 0.58 does not).
   * When false, a POST/PUT/PATCH/DELETE is retried only when it cannot have been processed:
   * the connection was refused, or the server answered 429 or 503.
   */
  dedupesRetries?: boolean;
  /** Test seam. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export type QueryInput = ReadonlyArray<readonly [string, string]> | Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  /** A path relative to the base URL (`/api/v1/info`) or an absolute URL on the same origin. */
  path: string;
  query?: QueryInput;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** Retry on transient failures (default true). */
  retry?: boolean;
  /** Renew and retry once on a 401 that says the token is bad (default true). */
  renewOn401?: boolean;
  /** Do not throw ApiError for HTTP errors: return the response (`call` prints error bodies). */
  allowErrorStatus?: boolean;
  /** Per-request deadline override. */
  timeoutMs?: number;
  /** The most bytes of the answer to read (default MAX_BODY_BYTES). */
  maxBytes?: number;
  /** Where an answer of announced length is read into (default: a new buffer; see BufferPool). */
  allocate?: (size: number) => Buffer;
}

/** A successful answer whose body has not been read (HttpClient.requestStream). */
export interface StreamedResponse {
  status: number;
  headers: HttpResponse['headers'];
  url: string;
  /** Must be consumed to the end (or returned early): the attempt's deadline runs until then. */
  stream: AsyncIterable<Buffer>;
}

const MiB = 1024 * 1024;

function networkError(f: TransportFailure, cause: unknown): NetworkError {
  return new NetworkError(f.message, { cause, ...(f.hint ? { hint: f.hint } : {}) });
}

/**
 * How much of a successful answer requestStream() reads before it hands the rest over as a
 * stream: an answer that ends within it is returned whole, so a connection lost midway can still
 * be retried; past it, bytes already printed cannot be taken back, and a failure ends the command.
 */
export const STREAM_AFTER_BYTES = 1 * MiB;

type Body = AsyncIterable<Buffer> & { destroy?: () => void; on?: (event: 'error', listener: () => void) => void };

/** Reads until the body ends or more than `limit` bytes have come. */
async function readUpTo(it: AsyncIterator<Buffer>, limit: number): Promise<{ chunks: Buffer[]; size: number; ended: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const r = await it.next();
    if (r.done) return { chunks, size, ended: true };
    chunks.push(r.value);
    size += r.value.length;
  }
  return { chunks, size, ended: false };
}

const joined = (chunks: Buffer[], size: number) => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));

/**
 * Reads a body whole, refusing more than `cap` bytes: by its Content-Length, else as it arrives.
 * `url` names the answer in the error (without its query).
 */
export async function readBounded(body: Body, headers: HttpResponse['headers'], cap: number, url: URL, allocate: (size: number) => Buffer = Buffer.allocUnsafe): Promise<Buffer> {
  const tooLarge = () => {
    // A body left unread would keep its connection (and the process) waiting; its destruction
    // may come back as an 'error' event, which is no news here.
    body.on?.('error', () => undefined);
    body.destroy?.();
    return new NetworkError(`the answer from ${url.origin}${url.pathname} is larger than ${cap >= MiB ? `${+(cap / MiB).toFixed(2)} MiB` : `${cap} bytes`}, the most zenml-api reads of one response`);
  };
  const declared = Number(headerValue(headers['content-length']) ?? NaN);
  if (declared > cap) throw tooLarge();
  if (Number.isSafeInteger(declared) && declared >= 0) {
    // One buffer of the announced size, not a list of chunks joined at the end: the chunks and
    // their join were alive at once, which set the peak memory of --paginate.
    const out = allocate(declared);
    let at = 0;
    for await (const chunk of body) {
      if (at + chunk.length > declared) break; // the parser never delivers more than announced
      chunk.copy(out, at);
      at += chunk.length;
    }
    return at === declared ? out : out.subarray(0, at);
  }
  const r = await readUpTo(body[Symbol.asyncIterator](), cap);
  if (!r.ended) throw tooLarge();
  return joined(r.chunks, r.size);
}

function appendQuery(url: URL, query: QueryInput | undefined): void {
  if (!query) return;
  const entries: ReadonlyArray<readonly [string, string]> = Array.isArray(query)
    ? (query as ReadonlyArray<readonly [string, string]>)
    : Object.entries(query as Record<string, unknown>).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as const]));
  for (const [k, v] of entries) url.searchParams.append(k, v);
}

export class HttpClient {
  readonly baseUrl: string;
  readonly origin: string;
  private readonly opts: ClientOptions;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private transport: Transport | undefined;

  constructor(opts: ClientOptions) {
    const u = new URL(opts.baseUrl);
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.origin = u.origin;
    this.opts = opts;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private getTransport(): Transport {
    this.transport ??= buildTransport(this.opts.tls);
    return this.transport;
  }

  async close(): Promise<void> {
    this.transport?.close();
    this.transport = undefined;
  }

  /** Resolves a request path to a URL on this client's origin; anything else is a UsageError. */
  resolve(path: string, query?: QueryInput): URL {
    let url: URL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
      try {
        url = new URL(path);
      } catch {
        throw new UsageError(`not a valid URL: ${path}`);
      }
      if (url.origin !== this.origin) {
        throw new UsageError(`refusing to send credentials to ${url.origin}: only ${this.origin} is allowed for this profile`);
      }
    } else {
      url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    }
    appendQuery(url, query);
    return url;
  }

  private log(line: string): void {
    if (!this.opts.log) return;
    this.opts.log(redact(line, this.opts.secrets?.() ?? []));
  }

  /** Sends a request and reads its answer whole (at most `maxBytes`, see MAX_BODY_BYTES). */
  request(ro: RequestOptions): Promise<HttpResponse> {
    return this.exchange(ro, false) as Promise<HttpResponse>;
  }

  /**
   * Like request(), but a successful answer (status < 400) comes back unread: its body is a
   * stream the caller must consume, still under the request's deadline. Error answers are read
   * whole, as request() does, since they are parsed and may be retried.
   */
  requestStream(ro: RequestOptions): Promise<HttpResponse | StreamedResponse> {
    return this.exchange(ro, true);
  }

  private async exchange(ro: RequestOptions, stream: boolean): Promise<HttpResponse | StreamedResponse> {
    const method = (ro.method ?? 'GET').toUpperCase();
    const url = this.resolve(ro.path, ro.query);
    const idempotencyKey = randomUuid();
    const sleep = this.opts.sleep ?? defaultSleep;
    const random = this.opts.random ?? Math.random;
    const started = Date.now();
    const wantAuth = ro.auth !== false && this.opts.tokenProvider !== undefined;
    const repeatable = SAFE_METHODS.has(method) || this.opts.dedupesRetries !== false;
    const userHasAuth = Object.keys(ro.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
    const timeoutMs = ro.timeoutMs ?? this.timeoutMs;
    const maxBytes = ro.maxBytes ?? MAX_BODY_BYTES;
    let renewed = false;
    let attempt = 0;

    for (;;) {
      attempt += 1;
      if (this.opts.signal?.aborted) throw new InterruptedError();
      const token = wantAuth && !userHasAuth ? await this.opts.tokenProvider!.token() : null;
      const headers: Record<string, string> = {
        'user-agent': `zenml-api/${VERSION}`,
        accept: 'application/json',
        'x-request-id': randomUuid().slice(0, 8),
        'idempotency-key': idempotencyKey,
      };
      if (token) headers.authorization = `Bearer ${token}`;
      for (const [k, v] of Object.entries(ro.headers ?? {})) headers[k.toLowerCase()] = v;

      const t0 = Date.now();
      this.log(`> ${method} ${url.href}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      let status: number;
      let resHeaders: HttpResponse['headers'];
      let body: Buffer;
      // One deadline for the whole attempt, connection, headers and body, aborted also by
      // Ctrl-C; released when the attempt ends
      // (AbortSignal.timeout/any keep every attempt alive until the timer fires).
      const attemptCtl = new AbortController();
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        attemptCtl.abort();
      }, timeoutMs);
      const onInterrupt = () => attemptCtl.abort();
      this.opts.signal?.addEventListener('abort', onInterrupt, { once: true });
      const release = () => {
        clearTimeout(deadline);
        this.opts.signal?.removeEventListener('abort', onInterrupt);
      };
      // What ended the attempt: a typed error as it is, or a transport failure to describe.
      const failure = (e: unknown): CliError | TransportFailure => {
        if (this.opts.signal?.aborted) return new InterruptedError();
        if (e instanceof CliError) return e;
        const d: TransportFailure = timedOut
          ? { message: `no complete answer from ${url.host} within ${timeoutMs / 1000} s`, retry: false, hint: 'Use --timeout or ZENML_STORE_HTTP_TIMEOUT to wait longer.' }
          : describeTransportError(e, this.origin);
        this.log(`< ${method} ${url.href}: ${d.message} (${Date.now() - t0} ms)`);
        return d;
      };
      let handedOver = false;
      try {
        const res = await this.getTransport().request(url, {
          method,
          headers,
          body: ro.body ?? null,
          signal: attemptCtl.signal,
        });
        status = res.statusCode;
        resHeaders = res.headers;
        // Only a 2xx streams: a 3xx goes through makeResponse, which refuses to follow it.
        if (stream && status >= 200 && status < 300) {
          const it = res.body[Symbol.asyncIterator]();
          const head = await readUpTo(it, STREAM_AFTER_BYTES);
          if (head.ended) body = joined(head.chunks, head.size);
          else {
            handedOver = true;
            this.log(`< ${status} ${method} ${url.href} (${Date.now() - t0} ms, streamed)`);
            return { status, headers: resHeaders, url: url.href, stream: this.guarded(head.chunks, it, release, failure) };
          }
        } else body = await readBounded(res.body, resHeaders, maxBytes, url, ro.allocate);
      } catch (e) {
        const f = failure(e);
        if (f instanceof CliError) throw f;
        const mayRetry = f.retry && (repeatable || f.notSent === true);
        if (mayRetry && ro.retry !== false && (await this.waitBeforeRetry(attempt, null, started, sleep, random))) continue;
        throw networkError(f, e);
      } finally {
        if (!handedOver) release();
      }
      this.log(`< ${status} ${method} ${url.href} (${Date.now() - t0} ms, ${body.length} bytes)`);

      const response = makeResponse(status, resHeaders, body, url.href);
      if (status < 400) return response;

      const parsed = parseErrorBody(status, response.text(), headerValue(resHeaders['content-type']));
      response.error = parsed;

      const retryStatus = RETRY_STATUSES.has(status) && (repeatable || UNPROCESSED_STATUSES.has(status));
      if (retryStatus && ro.retry !== false && parsed.message !== 'Daily request limit exceeded.') {
        let retryAfter = parseRetryAfter(resHeaders['retry-after']);
        if (status === 429 && retryAfter === null && parsed.message === 'Minute request limit exceeded.') retryAfter = 60_000;
        if (await this.waitBeforeRetry(attempt, retryAfter, started, sleep, random)) continue;
      }
      if (
        status === 401 &&
        !renewed &&
        ro.renewOn401 !== false &&
        !userHasAuth &&
        wantAuth &&
        this.opts.tokenProvider?.renew &&
        isRenewable401(status, url.pathname, resHeaders, parsed)
      ) {
        renewed = true;
        if (await this.opts.tokenProvider.renew(token)) {
          this.log(`  token rejected; renewed it, retrying once`);
          continue;
        }
      }
      if (ro.allowErrorStatus) return response;
      throw apiErrorFrom(status, parsed, response.text());
    }
  }

  /** The body of a streamed answer: the attempt's deadline and Ctrl-C end it, as typed errors. */
  private async *guarded(
    head: Buffer[],
    rest: AsyncIterator<Buffer>,
    release: () => void,
    failure: (e: unknown) => CliError | TransportFailure,
  ): AsyncGenerator<Buffer> {
    let ended = false;
    try {
      yield* head;
      for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
      ended = true;
    } catch (e) {
      ended = true;
      const f = failure(e);
      throw f instanceof CliError ? f : networkError(f, e);
    } finally {
      release();
      if (!ended) await rest.return?.(); // the caller stopped early: drop the connection
    }
  }

  /** Sleeps before the next attempt; false when the retry budget is spent. */
  private async waitBeforeRetry(
    attempt: number,
    retryAfterMs: number | null,
    started: number,
    sleep: NonNullable<ClientOptions['sleep']>,
    random: () => number,
  ): Promise<boolean> {
    if (attempt >= this.policy.maxAttempts) return false;
    const delay = retryAfterMs !== null ? Math.min(retryAfterMs, Math.max(this.policy.maxDelayMs, 60_000)) : backoffDelay(attempt, this.policy, random);
    if (Date.now() - started + delay > this.policy.maxTotalMs) return false;
    this.log(`  retrying in ${delay} ms`);
    await sleep(delay, this.opts.signal);
    return true;
  }
}

