/** Responses of the pipeline: bodies, JSON, and error bodies turned into typed errors. */
import { ApiError, NetworkError } from '../errors.js';
import { formatParsedError, looksLikeHtml, type ParsedError } from './error-body.js';

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

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function apiErrorFrom(status: number, parsed: ParsedError, bodyText: string): ApiError {
  const e = new ApiError(`HTTP ${status}: ${formatParsedError(parsed)}`, status, parsed.errorClass, bodyText);
  if (parsed.problems && parsed.problems.length > 1) e.details = parsed.problems;
  return e;
}

/**
 * A 3xx answer is never followed: the request carried the bearer token, and the ZenML API does
 * not redirect. It is an error for every command (`call` included, which would otherwise print
 * an empty body and exit 0), with where the server pointed, resolved against the request URL.
 */
export function redirectError(status: number, headers: HttpResponse['headers'], url: string): NetworkError | null {
  if (status < 300 || status > 399) return null;
  const location = headerValue(headers.location);
  if (location === undefined || location === '') return new NetworkError(`the server answered HTTP ${status} (a redirect without a location); not followed`);
  let target = location;
  try {
    target = new URL(location, url).href;
  } catch {
    /* not a URL: show it as it came */
  }
  return new NetworkError(`the server redirected to ${target.slice(0, 300)}; not followed`, {
    hint: 'If the server has moved, log in again with its new URL.',
  });
}

/** The response the pipeline hands back; a redirect is thrown as its error (see redirectError). */
export function makeResponse(status: number, headers: HttpResponse['headers'], body: Buffer, url: string): HttpResponse {
  const redirect = redirectError(status, headers, url);
  if (redirect) throw redirect;
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
