// Plain-fetch helpers for the stand-in tests.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
  contentType: string | null;
  wwwAuthenticate: string | null;
  setCookie: string[];
}

export interface CallOptions {
  form?: Record<string, string>;
  json?: unknown;
  body?: string;
  query?: Record<string, string | number>;
  bearer?: string;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  let body: string | undefined;
  if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  } else if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.body !== undefined) body = o.body;
  if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
  const qs = o.query ? `?${new URLSearchParams(Object.entries(o.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
  const res = await fetch(`${base}${path}${qs}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    headers: res.headers,
    text,
    json,
    contentType: res.headers.get('content-type'),
    wwwAuthenticate: res.headers.get('www-authenticate'),
    setCookie: res.headers.getSetCookie(),
  };
}

/** Decodes a JWT part (0 = header, 1 = payload) without verifying. */
export function jwtPart(token: string, i: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Raw decoded JWT payload text (to check key order). */
export function jwtPayloadText(token: string): string {
  return Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);
