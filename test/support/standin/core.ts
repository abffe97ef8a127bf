// The HTTP machinery shared by the ZenML and Pro stand-ins: a node:http server
// on a free port, a request log, injectable faults, added latency and a
// close() that also tears down hanging connections.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HTTP_REASONS } from './util.js';

export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
  /** Status sent; 0 while pending or when no status line was sent (reset, hang before close). */
  status: number;
  /** Arrival time, ms since the epoch (wall clock, not the stand-in's settable clock). */
  at: number;
}

export type FaultMatch = {
  method?: string;
  /** Exact path (no query) or a RegExp tested on the path. */
  path?: string | RegExp;
  /** Query parameters that must all be present with these values. */
  query?: Record<string, string>;
  /** Number of matching requests it applies to (default 1; Infinity allowed). */
  times?: number;
};
export type Fault = FaultMatch &
  (
    | { kind: 'latency'; ms: number }
    | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
    | { kind: 'reset' }
    | { kind: 'html502' }
    | { kind: 'truncated' }
    | { kind: 'nonjson' }
    | { kind: 'hang' }
    | { kind: 'resetMidBody' }
  );

export interface StandinResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string;
}

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: Buffer;
  remoteAddress: string;
  /** Delay to apply before answering (latencyMs + latency faults). */
  delayMs: number;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string | string[]> = {}): StandinResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

function defaultStatusBody(status: number): string {
  if (status === 429) return JSON.stringify({ error: 'Server too busy. Please try again later.' });
  return JSON.stringify({ detail: HTTP_REASONS[status] ?? `HTTP ${status}` });
}

function pathMatches(p: string | RegExp | undefined, path: string): boolean {
  if (p === undefined) return true;
  if (typeof p === 'string') return p === path;
  p.lastIndex = 0;
  return p.test(path);
}

/** Base class of both stand-ins: owns the server, the log, faults and latency. */
export abstract class HttpStandinBase {
  url = '';
  readonly log: LoggedRequest[] = [];
  latencyMs = 0;
  /** Requests being answered now, and the most at once since the last clearLog(). */
  inFlight = 0;
  maxInFlight = 0;
  protected server: Server | null = null;
  protected closed = false;
  private readonly sockets = new Set<Socket>();
  private faults: ActiveFault[] = [];
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  protected abstract handle(ctx: RequestContext): Promise<StandinResponse>;

  /** Applies ctx.delayMs then handles; overridable (e.g. for a server-side timeout). */
  protected async process(ctx: RequestContext): Promise<StandinResponse> {
    await this.sleep(ctx.delayMs);
    return this.handle(ctx);
  }

  /** A sleep that close() cuts short. */
  protected sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleepers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(entry);
    });
  }

  protected async listen(host: string, port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (this.closed || res.destroyed) return;
        try {
          if (!res.headersSent) {
            const body = JSON.stringify({ detail: ['RuntimeError', String((err as Error)?.message ?? err)] });
            res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
            res.end(body);
          } else res.destroy();
        } catch {
          /* ignore */
        }
      });
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => {
      socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    const h = addr.family === 'IPv6' || host.includes(':') ? `[${addr.address}]` : addr.address;
    this.url = `http://${h}:${addr.port}`;
  }

  clearLog(): void {
    this.log.length = 0;
    this.maxInFlight = this.inFlight;
  }

  count(method: string, path: string | RegExp): number {
    const m = method.toUpperCase();
    return this.log.filter((e) => e.method === m && pathMatches(path, e.path)).length;
  }

  addFault(f: Fault): void {
    this.faults.push({ fault: f, remaining: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleepers.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      server.closeAllConnections();
    });
  }

  private takeFault(method: string, path: string, query: URLSearchParams): Fault | null {
    for (const af of this.faults) {
      if (af.remaining <= 0) continue;
      const f = af.fault;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (!pathMatches(f.path, path)) continue;
      if (f.query && Object.entries(f.query).some(([k, v]) => query.get(k) !== v)) continue;
      af.remaining -= 1;
      return f;
    }
    return null;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => {
      this.inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://standin.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const entry: LoggedRequest = { method, path: url.pathname, query, headers, body: rawBody.toString('utf8'), status: 0, at };
    this.log.push(entry);
    if (this.closed) {
      res.destroy();
      return;
    }

    const fault = this.takeFault(method, url.pathname, url.searchParams);
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody,
      remoteAddress: req.socket.remoteAddress ?? '',
      delayMs: this.latencyMs + (fault?.kind === 'latency' ? fault.ms : 0),
    };
    const isHead = method === 'HEAD';

    if (fault && fault.kind !== 'latency' && fault.kind !== 'truncated' && fault.kind !== 'resetMidBody') {
      await this.sleep(ctx.delayMs);
      if (this.closed) return void res.destroy();
      switch (fault.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          res.writeHead(200, { 'content-type': 'application/json', server: 'uvicorn' });
          res.flushHeaders();
          entry.status = 200;
          return; // never ended; close() destroys the socket
        case 'html502':
          entry.status = 502;
          return this.send(res, { status: 502, headers: { 'content-type': 'text/html' }, body: HTML_502 }, isHead);
        case 'nonjson':
          entry.status = 200;
          return this.send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: 'this is not json <html>' }, isHead);
        case 'status': {
          const h: Record<string, string> = { 'content-type': fault.contentType ?? 'application/json' };
          if (fault.retryAfter !== undefined) h['retry-after'] = fault.retryAfter;
          entry.status = fault.status;
          return this.send(res, { status: fault.status, headers: h, body: fault.body ?? defaultStatusBody(fault.status) }, isHead);
        }
      }
    }

    const resp = await this.process(ctx);
    if (this.closed || res.destroyed) return;
    if (fault?.kind === 'truncated') {
      const body = Buffer.from(resp.body ?? '');
      entry.status = 200;
      res.writeHead(200, { ...(resp.headers ?? {}), 'content-length': String(body.length + 64), server: 'uvicorn' });
      res.write(body, () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === 'resetMidBody') {
      const body = Buffer.from(resp.body ?? '');
      entry.status = resp.status;
      res.writeHead(resp.status, { ...(resp.headers ?? {}), 'content-length': String(body.length), server: 'uvicorn' });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    entry.status = resp.status;
    this.send(res, resp, isHead);
  }

  private send(res: ServerResponse, resp: StandinResponse, head: boolean): void {
    const body = Buffer.from(resp.body ?? '');
    res.writeHead(resp.status, { server: 'uvicorn', ...(resp.headers ?? {}), 'content-length': String(body.length) });
    res.end(head ? undefined : body);
  }
}
