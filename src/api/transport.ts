/** The connection side of the pipeline: undici dispatchers (TLS, proxies) and transport errors. */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import './wasm-flags.js'; // before undici: see there
import type { Dispatcher } from 'undici';
import { UsageError } from '../errors.js';
import { Agent, EnvHttpProxyAgent } from './undici-lite.js';

export interface TlsOptions {
  /** Path of a PEM CA bundle (or the PEM text itself), added to the system roots. */
  caFile?: string;
  /** Skip certificate verification. */
  insecure?: boolean;
}

export function buildDispatcher(tls: TlsOptions | undefined, timeoutMs: number): Dispatcher {
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

/** What went wrong below HTTP, as one message; whether a retry may help; whether the request surely never left. */
export interface TransportFailure {
  message: string;
  retry: boolean;
  hint?: string;
  notSent?: boolean;
}

export function describeTransportError(e: unknown, origin: string, timeoutMs: number): TransportFailure {
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
