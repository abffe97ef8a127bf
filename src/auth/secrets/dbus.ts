/**
 * A minimal D-Bus client over the session bus's Unix socket: EXTERNAL authentication, method
 * calls with replies matched by serial, pipelined. Just enough for the Secret Service read in
 * secret-service.ts; writes still go through the native binding (keychain.ts).
 */
import type { Socket } from 'node:net';
import { decodeMessage, encodeMethodCall, MessageType, type Message, type MethodCall } from './dbus-wire.js';

export class DbusError extends Error {
  constructor(
    message: string,
    readonly errorName?: string,
  ) {
    super(message);
  }
}

/** D-Bus address values escape bytes as %XX: decode them as bytes, then read those as UTF-8. */
function unescapeAddress(v: string): string {
  if (!v.includes('%')) return v;
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '%' && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(v[i]!, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The socket path of the session bus from DBUS_SESSION_BUS_ADDRESS (its first `unix:path=` or
 * `unix:abstract=` address; an abstract name comes back with its leading NUL), or
 * $XDG_RUNTIME_DIR/bus when the variable is unset, as libdbus does. Null when there is no
 * address this client can use (tcp:, launchd:, autolaunch:…).
 */
export function sessionBusSocket(env: NodeJS.ProcessEnv): string | null {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) return env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/bus` : null;
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':');
    if (colon < 0 || entry.slice(0, colon) !== 'unix') continue;
    const params = new Map<string, string>();
    for (const kv of entry.slice(colon + 1).split(',')) {
      const eq = kv.indexOf('=');
      if (eq > 0) params.set(kv.slice(0, eq), unescapeAddress(kv.slice(eq + 1)));
    }
    const path = params.get('path');
    if (path) return path;
    const abstract = params.get('abstract');
    if (abstract) return `\0${abstract}`;
  }
  return null;
}

interface Pending {
  resolve(m: Message): void;
  reject(e: Error): void;
}

export class DbusConnection {
  private inbox: Buffer = Buffer.alloc(0);
  private authenticated = false;
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.receive(d));
    socket.on('error', (e) => this.fail(new DbusError(`D-Bus socket: ${e.message}`)));
    socket.on('close', () => this.fail(new DbusError('the D-Bus connection closed')));
  }

  /**
   * Connects and authenticates; calls may be made at once (they follow the authentication).
   * node:net is required here, not imported at the top: the fast path must not pay for it unless
   * it reads the keychain (`--version` would).
   */
  static open(socketPath: string): DbusConnection {
    const { connect } = process.getBuiltinModule('node:net');
    const socket = connect({ path: socketPath });
    const conn = new DbusConnection(socket);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    // AUTH and BEGIN in one write, and the calls right behind them, without waiting for the OK:
    // one round trip less, as sd-bus does; a refusal ends the connection and the caller falls back.
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid), 'ascii').toString('hex')}\r\nBEGIN\r\n`);
    return conn;
  }

  call(call: MethodCall): Promise<Message> {
    if (this.failure) return Promise.reject(this.failure);
    const serial = ++this.serial;
    const bytes = encodeMethodCall(serial, call);
    return new Promise<Message>((resolve, reject) => {
      this.pending.set(serial, { resolve, reject });
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.fail(new DbusError('the D-Bus connection was closed'));
    this.socket.destroy();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private receive(data: Buffer): void {
    this.inbox = this.inbox.length ? Buffer.concat([this.inbox, data]) : data;
    try {
      if (!this.authenticated) {
        const eol = this.inbox.indexOf('\r\n');
        if (eol < 0) {
          if (this.inbox.length > 4096) throw new DbusError('D-Bus authentication: no answer line');
          return;
        }
        const line = this.inbox.toString('ascii', 0, eol);
        this.inbox = this.inbox.subarray(eol + 2);
        if (!line.startsWith('OK ')) throw new DbusError(`D-Bus authentication refused (${line.split(' ')[0]})`);
        this.authenticated = true;
      }
      for (;;) {
        const next = decodeMessage(this.inbox);
        if (!next) return;
        this.inbox = this.inbox.subarray(next.length);
        this.dispatch(next.message);
      }
    } catch (e) {
      this.fail(e instanceof DbusError ? e : new DbusError(`D-Bus: ${(e as Error).message}`));
      this.socket.destroy();
    }
  }

  private dispatch(m: Message): void {
    if (m.type !== MessageType.MethodReturn && m.type !== MessageType.Error) return; // signals, e.g. NameAcquired
    if (m.replySerial === undefined) return;
    const p = this.pending.get(m.replySerial);
    if (!p) return;
    this.pending.delete(m.replySerial);
    if (m.type === MessageType.Error) {
      const text = typeof m.body[0] === 'string' ? m.body[0] : '';
      p.reject(new DbusError(`${m.errorName ?? 'D-Bus error'}${text ? `: ${text}` : ''}`, m.errorName));
    } else p.resolve(m);
  }
}
