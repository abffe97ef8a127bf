/**
 * The one HTTP pipeline of zenml-api, over undici. Loaded only by commands that go to the network.
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
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import './wasm-flags.js'; // before undici: see there
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, request as undiciRequest } from './undici-lite.js';
import { ApiError, InterruptedError, NetworkError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { formatParsedError, looksLikeHtml, parseErrorBody, type ParsedError } from './error-body.js';
import { redact } from './redact.js';

export interface TokenProvider {
  /** The bearer token to send, or null to send none. */
  token(): Promise<string | null>;
  /**
   * Called once after a 401 that means the token was rejected. Returns true when a new token is
   * available and the request should be retried.
   */
  renew?(rejectedToken: string | null): Promise<boolean>;
}

export interface TlsOptions {
  /** Path of a PEM CA bundle (or the PEM text itself), added to the system roots. */
  caFile?: string;
  /** Skip certificate verification. */
  insecure?: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxTotalMs: number;
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
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
  /** Present for non-2xx responses. */
  error?: ParsedError;
  text(): string;
  /** Parses JSON; a body that is not JSON is a NetworkError naming the server. */
  json<T = unknown>(): T;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalMs: 60_000 };

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new InterruptedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now);
}

export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  // "equal jitter": half fixed, half random, so retries spread out but never fire at once.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function buildDispatcher(tls: TlsOptions | undefined, timeoutMs: number): Dispatcher {
  const connect: Record<string, unknown> = {};
  if (tls?.insecure) connect.rejectUnauthorized = false;
  if (tls?.caFile) {
    let pem: string;
    if (tls.caFile.includes('-----BEGIN')) pem = tls.caFile; // PEM text (ZENML_STORE_VERIFY_SSL allows it)
    else
      try {
        pem = readFileSync(tls.caFile, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read CA bundle ${tls.caFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    const extra: string[] = [];
    const extraFile = process.env.NODE_EXTRA_CA_CERTS;
    if (extraFile) {
      try {
        extra.push(readFileSync(extraFile, 'utf8'));
      } catch {
        /* Node already warned about it */
      }
    }
    connect.ca = [...rootCertificates, ...extra, pem];
  }
  const base = { connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4_000 };
  const env = process.env;
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => env[k]);
  // Plain-http targets go through the proxy in absolute form (no CONNECT tunnel): many proxies
  // allow CONNECT only to port 443.
  if (proxied) return new EnvHttpProxyAgent({ ...base, requestTls: connect, proxyTunnel: false } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]);
  return new Agent(base);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Failures after which a write was certainly not processed, so retrying it cannot repeat it. */
const UNPROCESSED_STATUSES = new Set([429, 503]);

function describeTransportError(e: unknown, origin: string, timeoutMs: number): { message: string; retry: boolean; hint?: string; notSent?: boolean } {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? '';
  const host = origin.replace(/^https?:\/\//, '');
  switch (code) {
    case 'ECONNREFUSED':
      return { message: `cannot connect to ${host}: connection refused`, retry: true, notSent: true, hint: 'Is the server running, and is the URL right?' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `cannot resolve host ${host.replace(/:\d+$/, '')}`, retry: code === 'EAI_AGAIN' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { message: `connection to ${host} was reset`, retry: true };
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return { message: `the answer from ${host} was cut short`, retry: true };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { message: `cannot connect to ${host}: connection timed out`, retry: true };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { message: `no complete answer from ${host} within ${timeoutMs / 1000} s`, retry: false, hint: 'Use --timeout or ZENML_STORE_HTTP_TIMEOUT to wait longer.' };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        message: `TLS: the certificate of ${host} is not trusted (${code})`,
        retry: false,
        hint: 'Pass its CA with `zenml-api login --ca-cert FILE`, or (unsafe) --no-verify-ssl.',
      };
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return { message: `TLS handshake with ${host} failed (is it really https?)`, retry: false };
    default: {
      const m = err.cause?.message ?? err.message ?? String(e);
      return { message: `request to ${host} failed: ${m}`, retry: /socket|closed|reset/i.test(m) };
    }
  }
}

function appendQuery(url: URL, query: QueryInput | undefined): void {
  if (!query) return;
  const entries: ReadonlyArray<readonly [string, string]> = Array.isArray(query)
    ? (query as ReadonlyArray<readonly [string, string]>)
    : Object.entries(query as Record<string, unknown>).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as const]));
  for (const [k, v] of entries) url.searchParams.append(k, v);
}

/** True when a 401 means "this token is expired or bad" rather than "this credential is disabled". */
export function isRenewable401(status: number, path: string, headers: HttpResponse['headers'], parsed: ParsedError): boolean {
  if (status !== 401) return false;
  if (/\/(api\/v1\/login|auth\/login)\/?$/.test(path)) return false;
  if (/is not active/.test(parsed.message)) return false;
  if (headers['www-authenticate']) return true;
  if (parsed.errorClass === 'CredentialsNotValid') return true;
  if (parsed.errorClass === null) return true; // string detail
  return false;
}

export class HttpClient {
  readonly baseUrl: string;
  readonly origin: string;
  private readonly opts: ClientOptions;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private dispatcher: Dispatcher | undefined;

  constructor(opts: ClientOptions) {
    const u = new URL(opts.baseUrl);
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.origin = u.origin;
    this.opts = opts;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private getDispatcher(): Dispatcher {
    this.dispatcher ??= buildDispatcher(this.opts.tls, this.timeoutMs);
    return this.dispatcher;
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) await d.close().catch(() => undefined);
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

  async request(ro: RequestOptions): Promise<HttpResponse> {
    const method = (ro.method ?? 'GET').toUpperCase();
    const url = this.resolve(ro.path, ro.query);
    const idempotencyKey = randomUUID();
    const sleep = this.opts.sleep ?? defaultSleep;
    const random = this.opts.random ?? Math.random;
    const started = Date.now();
    const wantAuth = ro.auth !== false && this.opts.tokenProvider !== undefined;
    const repeatable = SAFE_METHODS.has(method) || this.opts.dedupesRetries !== false;
    const userHasAuth = Object.keys(ro.headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
    let renewed = false;
    let attempt = 0;

    for (;;) {
      attempt += 1;
      if (this.opts.signal?.aborted) throw new InterruptedError();
      const token = wantAuth && !userHasAuth ? await this.opts.tokenProvider!.token() : null;
      const headers: Record<string, string> = {
        'user-agent': `zenml-api/${VERSION}`,
        accept: 'application/json',
        'x-request-id': randomUUID().slice(0, 8),
        'idempotency-key': idempotencyKey,
      };
      if (token) headers.authorization = `Bearer ${token}`;
      for (const [k, v] of Object.entries(ro.headers ?? {})) headers[k.toLowerCase()] = v;

      const t0 = Date.now();
      this.log(`> ${method} ${url.href}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      let status: number;
      let resHeaders: HttpResponse['headers'];
      let body: Buffer;
      // One controller per attempt, aborted by its deadline or by Ctrl-C, and both released when
      // the attempt ends (AbortSignal.timeout/any keep every attempt alive until the timer fires).
      const attemptCtl = new AbortController();
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        attemptCtl.abort();
      }, ro.timeoutMs ?? this.timeoutMs);
      const onInterrupt = () => attemptCtl.abort();
      this.opts.signal?.addEventListener('abort', onInterrupt, { once: true });
      const signal = attemptCtl.signal;
      try {
        const res = await undiciRequest(this.getDispatcher(), url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body: ro.body ?? null,
          signal,
        });
        status = res.statusCode;
        resHeaders = res.headers;
        body = Buffer.from(await res.body.arrayBuffer());
      } catch (e) {
        if (this.opts.signal?.aborted) throw new InterruptedError();
        const d = timedOut
          ? { message: `no complete answer from ${url.host} within ${(ro.timeoutMs ?? this.timeoutMs) / 1000} s`, retry: false, hint: 'Use --timeout or ZENML_STORE_HTTP_TIMEOUT to wait longer.' }
          : describeTransportError(e, this.origin, ro.timeoutMs ?? this.timeoutMs);
        this.log(`< ${method} ${url.href}: ${d.message} (${Date.now() - t0} ms)`);
        const mayRetry = d.retry && (repeatable || d.notSent === true);
        if (mayRetry && ro.retry !== false && (await this.waitBeforeRetry(attempt, null, started, sleep, random))) continue;
        throw new NetworkError(d.message, { cause: e, ...(d.hint ? { hint: d.hint } : {}) });
      } finally {
        clearTimeout(deadline);
        this.opts.signal?.removeEventListener('abort', onInterrupt);
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

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function apiErrorFrom(status: number, parsed: ParsedError, bodyText: string): ApiError {
  return new ApiError(`HTTP ${status}: ${formatParsedError(parsed)}`, status, parsed.errorClass, bodyText);
}

function makeResponse(status: number, headers: HttpResponse['headers'], body: Buffer, url: string): HttpResponse {
  let text: string | undefined;
  const res: HttpResponse = {
    status,
    headers,
    body,
    url,
    text: () => (text ??= body.toString('utf8')),
    json<T>(): T {
      const t = res.text();
      try {
        return JSON.parse(t) as T;
      } catch {
        const ct = headerValue(headers['content-type']);
        const what = looksLikeHtml(t, ct) ? 'an HTML page' : t.trim() === '' ? 'an empty body' : 'something that is not JSON';
        throw new NetworkError(`${new URL(url).host} answered ${what} (HTTP ${status}${ct ? `, ${ct.split(';')[0]}` : ''}) where the ZenML API sends JSON`, {
          hint: 'Is this the URL of a ZenML server?',
        });
      }
    },
  };
  return res;
}
