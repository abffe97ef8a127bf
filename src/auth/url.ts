import { UsageError } from '../errors.js';

/**
 * Normalises a server URL: scheme required (http or https), no credentials, query or fragment;
 * trailing slashes and a trailing `/api/v1` removed. A root path prefix is kept.
 */
/** The input as it may be shown in a message: never with a password in it. */
function shown(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i, '$1…@').slice(0, 200);
}

export function normalizeServerUrl(input: string, what = 'server URL'): string {
  const raw = input.trim();
  if (raw === '') throw new UsageError(`the ${what} is empty`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    const rest = shown(raw).replace(/^\/+/, '');
    // A server on this machine is usually a local `zenml up` on plain HTTP.
    const scheme = LOOPBACK_HOST.test(rest) ? 'http' : 'https';
    throw new UsageError(`the ${what} needs a scheme: did you mean ${scheme}://${rest} ?`);
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    const port = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)(?:[/?#]|$)/i.exec(raw)?.[1];
    if (port !== undefined && Number(port) > 65535) throw new UsageError(`the ${what} is not valid: port ${port} is out of range (1-65535)`);
    throw new UsageError(`not a valid ${what}: ${shown(raw)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`the ${what} must use http or https, not ${u.protocol.replace(':', '')}`);
  if (u.username || u.password) throw new UsageError(`the ${what} must not contain a user name or password`);
  if (u.search || u.hash) throw new UsageError(`the ${what} must not contain a query or fragment`);
  if (!u.hostname) throw new UsageError(`the ${what} has no host`);
  let path = u.pathname.replace(/\/+$/, '');
  path = path.replace(/\/api\/v1$/, '').replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** localhost, 127.x.x.x or [::1] at the start of a URL without its scheme. */
const LOOPBACK_HOST = /^(localhost|[^/:]*\.localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?([/?#]|$)/i;

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackUrl(url: string): boolean {
  const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
