/** When and how long to wait before trying a request again. Pure, apart from the sleep. */
import { InterruptedError } from '../errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxTotalMs: number;
}

export const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalMs: 60_000 };

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

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Failures after which a write was certainly not processed, so retrying it cannot repeat it. */
export const UNPROCESSED_STATUSES = new Set([429, 503]);

