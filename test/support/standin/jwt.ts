// HS256 JWTs as PyJWT 2.x produces and checks them (header `{"alg":"HS256","typ":"JWT"}`,
// compact payload in insertion order, PyJWT's error messages).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isPlainObject, pyJsonLoads } from './util.js';

const HEADER = '{"alg":"HS256","typ":"JWT"}';

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const signingInput = `${b64url(HEADER)}.${b64url(JSON.stringify(claims))}`;
  const sig = createHmac('sha256', secret).update(signingInput).digest();
  return `${signingInput}.${b64url(sig)}`;
}

/** Decodes the payload without verifying anything (like a client would). */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** PyJWT's `base64url_decode`: pads, then decodes non-strictly; throws on impossible lengths. */
function pyB64UrlDecode(seg: string): Buffer {
  const data = seg.replace(/[^A-Za-z0-9\-_+/]/g, '');
  if (data.length % 4 === 1) throw new Error('padding');
  return Buffer.from(data.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}

export type JwtCheck =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: string; expired?: boolean };

export interface JwtVerifyOptions {
  audience: string;
  issuer: string;
  leewaySec: number;
  nowSec: number;
}

/** `jwt.decode(token, secret, algorithms=["HS256"], audience=…, issuer=…, leeway=…)`. */
export function verifyJwt(token: string, secret: string, opts: JwtVerifyOptions): JwtCheck {
  const lastDot = token.lastIndexOf('.');
  if (lastDot < 0) return { ok: false, reason: 'Not enough segments' };
  const signingInput = token.slice(0, lastDot);
  const cryptoSeg = token.slice(lastDot + 1);
  const firstDot = signingInput.indexOf('.');
  if (firstDot < 0) return { ok: false, reason: 'Not enough segments' };
  const headerSeg = signingInput.slice(0, firstDot);
  const payloadSeg = signingInput.slice(firstDot + 1);

  let headerBytes: Buffer;
  try {
    headerBytes = pyB64UrlDecode(headerSeg);
  } catch {
    return { ok: false, reason: 'Invalid header padding' };
  }
  const header = pyJsonLoads(headerBytes);
  if (!header.ok) return { ok: false, reason: `Invalid header string: ${header.error}` };
  if (!isPlainObject(header.value)) return { ok: false, reason: 'Invalid header string: must be a json object' };
  let payloadBytes: Buffer;
  try {
    payloadBytes = pyB64UrlDecode(payloadSeg);
  } catch {
    return { ok: false, reason: 'Invalid payload padding' };
  }
  let sig: Buffer;
  try {
    sig = pyB64UrlDecode(cryptoSeg);
  } catch {
    return { ok: false, reason: 'Invalid crypto padding' };
  }
  const alg = header.value.alg;
  if (alg !== 'HS256') return { ok: false, reason: 'The specified alg value is not allowed' };
  const expected = createHmac('sha256', secret).update(signingInput).digest();
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
    return { ok: false, reason: 'Signature verification failed' };
  }
  const payload = pyJsonLoads(payloadBytes);
  if (!payload.ok) return { ok: false, reason: `Invalid payload string: ${payload.error}` };
  if (!isPlainObject(payload.value)) return { ok: false, reason: 'Invalid payload string: must be a json object' };
  const claims = payload.value;

  if ('iat' in claims && !Number.isInteger(claims.iat)) {
    return { ok: false, reason: 'Issued At claim (iat) must be an integer.' };
  }
  if ('nbf' in claims) {
    if (!Number.isInteger(claims.nbf)) return { ok: false, reason: 'Not Before claim (nbf) must be an integer.' };
    if ((claims.nbf as number) > opts.nowSec + opts.leewaySec) {
      return { ok: false, reason: 'The token is not yet valid (nbf)' };
    }
  }
  if ('exp' in claims) {
    if (!Number.isInteger(claims.exp)) return { ok: false, reason: 'Expiration Time claim (exp) must be an integer.' };
    if ((claims.exp as number) <= opts.nowSec - opts.leewaySec) {
      return { ok: false, reason: 'Signature has expired', expired: true };
    }
  }
  if (!('iss' in claims)) return { ok: false, reason: 'Token is missing the "iss" claim' };
  if (claims.iss !== opts.issuer) return { ok: false, reason: 'Invalid issuer' };
  if (!('aud' in claims)) return { ok: false, reason: 'Token is missing the "aud" claim' };
  const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!Array.isArray(aud) || aud.some((a) => typeof a !== 'string')) {
    return { ok: false, reason: 'Invalid claim format in token' };
  }
  if (!aud.includes(opts.audience)) return { ok: false, reason: "Audience doesn't match" };
  return { ok: true, claims };
}
