/**
 * The connection side of the pipeline: node:http/node:https with keep-alive agents (TLS options,
 * proxies from the environment) and transport errors as one message.
 *
 * Over node:http rather than undici (docs/DESIGN.md, "transport"): Node's own client is already
 * in the binary, so a one-request command loads no HTTP library and compiles no WebAssembly
 * parser. Proxies are the one part Node 20 lacks: `proxy-from-env` decides from HTTPS_PROXY,
 * HTTP_PROXY and NO_PROXY, `https-proxy-agent` tunnels https through CONNECT and
 * `http-proxy-agent` sends plain http in absolute form; they are loaded only when a proxy
 * variable is set.
 */
import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { UsageError } from '../errors.js';

// Node's http, https and tls modules are taken when the first request needs them, not when this
// module loads: https (with tls and crypto) costs a plain-http command more start-up time than all
// of its own code (bench/RESULTS.md).
const nodeHttp = () => process.getBuiltinModule('node:http');
const nodeHttps = () => process.getBuiltinModule('node:https');

export interface TlsOptions {
  /** Path of a PEM CA bundle (or the PEM text itself), added to the system roots. */
  caFile?: string;
  /** Skip certificate verification. */
  insecure?: boolean;
}

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  signal: AbortSignal;
}

export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** Readable; consume it or destroy it. */
  body: IncomingMessage;
}

export interface Transport {
  request(url: URL, req: TransportRequest): Promise<TransportResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

function tlsOptions(tls: TlsOptions | undefined): { ca?: string[]; rejectUnauthorized?: boolean } {
  if (tls?.insecure) return { rejectUnauthorized: false };
  if (!tls?.caFile) return {};
  let pem: string;
  if (tls.caFile.includes('-----BEGIN')) pem = tls.caFile; // PEM text (ZENML_STORE_VERIFY_SSL allows it)
  else
    try {
      pem = readFileSync(tls.caFile, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read CA bundle ${tls.caFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  // `ca` replaces Node's default trust: keep the system roots and NODE_EXTRA_CA_CERTS beside it.
  const extra: string[] = [];
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    try {
      extra.push(readFileSync(extraFile, 'utf8'));
    } catch {
      /* Node already warned about it */
    }
  }
  return { ca: [...process.getBuiltinModule('node:tls').rootCertificates, ...extra, pem] };
}

export function buildTransport(tls: TlsOptions | undefined): Transport {
  const tlsOpts = tlsOptions(tls);
  const agents = new Map<string, HttpAgent>();
  const agent = (key: string, make: () => HttpAgent) => {
    let a = agents.get(key);
    if (!a) agents.set(key, (a = make()));
    return a;
  };
  const proxied = PROXY_VARS.some((k) => process.env[k]);

  const agentFor = async (url: URL): Promise<HttpAgent> => {
    const https = url.protocol === 'https:';
    if (proxied) {
      // Loaded here, and only here (the build keeps these imports lazy): most users have no
      // proxy, and then nobody pays for it.
      const { getProxyForUrl } = await import('proxy-from-env');
      const proxy = getProxyForUrl(url.href);
      if (proxy) {
        if (https) {
          const { HttpsProxyAgent } = await import('https-proxy-agent');
          return agent(`https ${proxy}`, () => new HttpsProxyAgent<string>(proxy, { keepAlive: true, ...tlsOpts }) as unknown as HttpAgent);
        }
        // Plain http goes through the proxy in absolute form, not a CONNECT tunnel: many
        // proxies allow CONNECT only to port 443.
        const { HttpProxyAgent } = await import('http-proxy-agent');
        return agent(`http ${proxy}`, () => new HttpProxyAgent<string>(proxy, { keepAlive: true }) as unknown as HttpAgent);
      }
    }
    return https ? agent('https', () => new (nodeHttps().Agent)({ keepAlive: true, ...tlsOpts })) : agent('http', () => new (nodeHttp().Agent)({ keepAlive: true }));
  };

  return {
    async request(url, r) {
      const via = await agentFor(url);
      return new Promise((resolve, reject) => {
        const send = url.protocol === 'https:' ? nodeHttps().request : nodeHttp().request;
        const req = send(url, { method: r.method, headers: r.headers, agent: via, ...tlsOpts }, (res) =>
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res }),
        );
        req.on('error', reject);
        // The signal ends the request and its answer, body included. Not node:http's `signal`
        // option, which loads the stream module's abort machinery into every request for this.
        const abort = () => req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
        if (r.signal.aborted) abort();
        else r.signal.addEventListener('abort', abort, { once: true });
        req.end(r.body ?? undefined);
      });
    },
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}

/** What went wrong below HTTP, as one message; whether a retry may help; whether the request surely never left. */
export interface TransportFailure {
  message: string;
  retry: boolean;
  hint?: string;
  notSent?: boolean;
}

export function describeTransportError(e: unknown, origin: string): TransportFailure {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  const host = origin.replace(/^https?:\/\//, '');
  switch (code) {
    case 'ECONNREFUSED':
      return { message: `cannot connect to ${host}: connection refused`, retry: true, notSent: true, hint: 'Is the server running, and is the URL right?' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `cannot resolve host ${host.replace(/:\d+$/, '')}`, retry: code === 'EAI_AGAIN' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return { message: `connection to ${host} was reset`, retry: true };
    case 'ETIMEDOUT':
      return { message: `cannot connect to ${host}: connection timed out`, retry: true };
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
      return { message: `request to ${host} failed: ${m}`, retry: /socket|closed|reset|hang up/i.test(m) };
    }
  }
}
