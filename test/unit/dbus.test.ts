/**
 * The D-Bus wire format and the direct Secret Service reader's decisions. The reader is driven by
 * an in-process fake bus (a Unix socket speaking the protocol) for the cases a real
 * gnome-keyring cannot be made to produce on demand; test/e2e/keychain.test.ts reads the real one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionBusSocket } from '../../src/auth/secrets/dbus.js';
import { decodeMessage, DbusWireError, encodeMethodCall, marshal, splitSignature, unmarshal, type DbusValue } from '../../src/auth/secrets/dbus-wire.js';
import { readSecret, SecretServiceTimeout } from '../../src/auth/secrets/secret-service.js';

const hex = (b: Buffer) => b.toString('hex');

describe('D-Bus marshalling', () => {
  it('splits signatures into complete types', () => {
    expect(splitSignature('a{ss}o')).toEqual(['a{ss}', 'o']);
    expect(splitSignature('yyyyuua(yv)')).toEqual(['y', 'y', 'y', 'y', 'u', 'u', 'a(yv)']);
    expect(splitSignature('(oayays)aa{sv}')).toEqual(['(oayays)', 'aa{sv}']);
    expect(() => splitSignature('a{ss')).toThrow(DbusWireError);
    expect(() => splitSignature('z')).toThrow(DbusWireError);
  });

  it('pads each value to its own alignment', () => {
    // byte 1, then a string at offset 4: length 2, "ab", NUL
    expect(hex(marshal('ys', [1, 'ab']))).toBe('01000000' + '02000000' + '616200');
    // a uint64 after a byte starts at offset 8
    expect(hex(marshal('yt', [7, 258n]))).toBe('07' + '00'.repeat(7) + '0201000000000000');
    // a signature: one length byte, no alignment
    expect(hex(marshal('g', ['as']))).toBe('02' + '6173' + '00');
    expect(hex(marshal('b', [true]))).toBe('01000000');
  });

  it('counts an array length without the padding before its first element', () => {
    // a{ss} with one entry: length at 0, padding to 8, the entry {"k","v"} is 4+2 + pad 2 + 4+2 = 14 bytes
    const b = marshal('a{ss}', [[['k', 'v']]]);
    expect(b.readUInt32LE(0)).toBe(14);
    expect(hex(b)).toBe('0e000000' + '00000000' + '01000000' + '6b00' + '0000' + '01000000' + '7600');
    expect(hex(marshal('ay', [Buffer.from('hi')]))).toBe('02000000' + '6869');
    expect(hex(marshal('ao', [[]]))).toBe('00000000');
  });

  it('reads back what it writes, variants and structs included', () => {
    const sig = 'sva{ss}(oayays)aoi';
    const values: DbusValue[] = ['plain', { sig: 's', value: '' }, [['service', 'zenml-api'], ['username', 'default/access-token']], ['/s/1', Buffer.alloc(0), Buffer.from('sécret'), 'text/plain'], ['/a', '/b'], -5];
    expect(unmarshal(sig, marshal(sig, values))).toEqual(values);
  });

  it('reads big-endian messages too', () => {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(3, 0);
    b.write('abc\0', 4, 'ascii');
    expect(unmarshal('s', b, 0, b.length, false)).toEqual(['abc']);
  });

  it('rejects truncated and inconsistent input instead of reading past it', () => {
    const s = marshal('s', ['hello']);
    expect(() => unmarshal('s', s.subarray(0, 6))).toThrow(DbusWireError);
    const arr = marshal('au', [[1, 2]]);
    arr.writeUInt32LE(6, 0); // not a whole number of elements
    expect(() => unmarshal('au', arr)).toThrow(DbusWireError);
    const huge = marshal('ay', [Buffer.from('x')]);
    huge.writeUInt32LE(0xffffff, 0);
    expect(() => unmarshal('ay', huge)).toThrow(DbusWireError);
  });

  it('frames a method call and decodes it back, waiting for the whole message', () => {
    const msg = encodeMethodCall(7, { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', signature: 'a{ss}', body: [[['service', 'x']]] });
    expect(msg[0]).toBe(0x6c);
    expect(msg.readUInt32LE(8)).toBe(7);
    expect(decodeMessage(msg)!.message).toMatchObject({ path: '/org/freedesktop/secrets', member: 'SearchItems' });
    expect(decodeMessage(msg.subarray(0, msg.length - 1))).toBeNull();
    expect(decodeMessage(msg.subarray(0, 10))).toBeNull();
    const d = decodeMessage(Buffer.concat([msg, Buffer.from([1, 2, 3])]))!;
    expect(d.length).toBe(msg.length);
    expect(d.message).toMatchObject({ type: 1, serial: 7, signature: 'a{ss}', body: [[['service', 'x']]] });
    expect(() => decodeMessage(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(DbusWireError);
  });
});

describe('the session bus address', () => {
  it('takes the first unix path or abstract socket, unescaping it', () => {
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' })).toBe('/run/user/1000/bus');
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/a%20b,guid=0123' })).toBe('/tmp/a b');
    // escaped bytes of UTF-8, as libdbus writes a non-ASCII path
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/caf%c3%a9/bus' })).toBe('/tmp/café/bus');
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/é/bus' })).toBe('/tmp/é/bus');
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-X,guid=1' })).toBe('\0/tmp/dbus-X');
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'tcp:host=localhost,port=1;unix:path=/b' })).toBe('/b');
  });
  it('falls back to $XDG_RUNTIME_DIR/bus when unset, and gives up on transports it cannot use', () => {
    expect(sessionBusSocket({ XDG_RUNTIME_DIR: '/run/user/5' })).toBe('/run/user/5/bus');
    expect(sessionBusSocket({})).toBeNull();
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'autolaunch:' })).toBeNull();
    expect(sessionBusSocket({ DBUS_SESSION_BUS_ADDRESS: 'unix:tmpdir=/tmp' })).toBeNull();
  });
});

// ---- a fake bus for the reader's decisions -------------------------------------------------

interface FakeService {
  auth?: 'ok' | 'reject' | 'silent';
  unlocked?: string[];
  locked?: string[];
  /** Error name to answer OpenSession with. */
  sessionError?: string;
  secret?: Buffer;
  parameters?: Buffer;
  garbageAfterAuth?: boolean;
}

/** A reply as the bus would send it: a method return (type 2) or, with an error name, an error (type 3). */
function reply(serial: number, replySerial: number, sig: string, body: DbusValue[], errorName?: string): Buffer {
  const b = sig ? marshal(sig, body) : Buffer.alloc(0);
  const fields: DbusValue[] = [];
  if (errorName) fields.push([4, { sig: 's', value: errorName }]);
  fields.push([5, { sig: 'u', value: replySerial }]);
  if (sig) fields.push([8, { sig: 'g', value: sig }]);
  const h = marshal('yyyyuua(yv)', [0x6c, errorName ? 3 : 2, 0, 1, b.length, serial, fields]);
  return Buffer.concat([h, Buffer.alloc((8 - (h.length % 8)) % 8), b]);
}

const dirs: string[] = [];
const servers: Server[] = [];
const seen: string[] = [];

async function fakeBus(svc: FakeService): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'zenml-api-dbus-'));
  dirs.push(dir);
  const path = join(dir, 'bus');
  seen.length = 0;
  const server = createServer((sock: Socket) => {
    let buf = Buffer.alloc(0);
    let authed = false;
    let okSent = false;
    let serial = 100;
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!authed) {
        const text = buf.toString('latin1');
        if (!text.includes('\r\n')) return;
        if (svc.auth === 'silent') return;
        if (svc.auth === 'reject') return void sock.write('REJECTED EXTERNAL\r\n');
        if (!okSent) sock.write('OK 0123456789abcdef0123456789abcdef\r\n');
        okSent = true;
        const begin = text.indexOf('BEGIN\r\n');
        if (begin < 0) return;
        authed = true;
        buf = buf.subarray(begin + 7);
        if (svc.garbageAfterAuth) return void sock.write(Buffer.from('\x00\x01garbage-garbage-garbage'));
      }
      for (let m = decodeMessage(buf); m; m = decodeMessage(buf)) {
        buf = buf.subarray(m.length);
        const msg = m.message;
        serial += 1;
        if (msg.member === 'Hello') {
          seen.push('Hello');
          sock.write(reply(serial, msg.serial, 's', [':1.42']));
        } else if (msg.member === 'OpenSession' && msg.signature === 'sv') {
          seen.push('OpenSession');
          sock.write(svc.sessionError ? reply(serial, msg.serial, 's', ['no'], svc.sessionError) : reply(serial, msg.serial, 'vo', [{ sig: 's', value: '' }, '/org/freedesktop/secrets/session/1']));
        } else if (msg.member === 'SearchItems' && msg.signature === 'a{ss}') {
          seen.push(`SearchItems ${JSON.stringify(msg.body[0])}`);
          sock.write(reply(serial, msg.serial, 'aoao', [svc.unlocked ?? [], svc.locked ?? []]));
        } else if (msg.member === 'GetSecret' && msg.signature === 'o') {
          seen.push(`GetSecret ${msg.path} ${String(msg.body[0])}`);
          sock.write(reply(serial, msg.serial, '(oayays)', [['/org/freedesktop/secrets/session/1', svc.parameters ?? Buffer.alloc(0), svc.secret ?? Buffer.from('s3cret'), 'text/plain']]));
        }
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const attrs = { service: 'zenml-api', username: 'p/access-token' };
const read = (path: string, timeoutMs = 2000) => readSecret(attrs, { env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}` }, timeoutMs });

describe('reading a secret over D-Bus', () => {
  it('returns the one unlocked item that matches, searched by service and username', async () => {
    const path = await fakeBus({ unlocked: ['/org/freedesktop/secrets/collection/login/7'], secret: Buffer.from('tøken') });
    expect(await read(path)).toBe('tøken');
    expect(seen).toEqual(['Hello', 'OpenSession', 'SearchItems [["service","zenml-api"],["username","p/access-token"]]', 'GetSecret /org/freedesktop/secrets/collection/login/7 /org/freedesktop/secrets/session/1']);
  });

  it('keeps a leading byte order mark, as the binding does', async () => {
    const path = await fakeBus({ unlocked: ['/c/1'], secret: Buffer.from('\ufeffabc') });
    expect(await read(path)).toBe('\ufeffabc');
  });

  it('returns null when nothing matches', async () => {
    expect(await read(await fakeBus({}))).toBeNull();
  });

  it('leaves locked, ambiguous, encrypted and undecodable items to the native binding', async () => {
    expect(await read(await fakeBus({ locked: ['/c/1'] }))).toBeUndefined();
    expect(await read(await fakeBus({ unlocked: ['/c/1', '/c/2'] }))).toBeUndefined();
    expect(await read(await fakeBus({ unlocked: ['/c/1'], locked: ['/c/2'] }))).toBeUndefined();
    expect(await read(await fakeBus({ unlocked: ['/c/1'], parameters: Buffer.alloc(16, 1) }))).toBeUndefined();
    expect(await read(await fakeBus({ unlocked: ['/c/1'], secret: Buffer.from([0xff, 0xfe]) }))).toBeUndefined();
  });

  it('leaves it to the binding when there is no service, no bus, a refusal or garbage', async () => {
    expect(await read(await fakeBus({ sessionError: 'org.freedesktop.DBus.Error.ServiceUnknown' }))).toBeUndefined();
    expect(await read(await fakeBus({ auth: 'reject' }))).toBeUndefined();
    expect(await read(await fakeBus({ garbageAfterAuth: true }))).toBeUndefined();
    expect(await read('/nonexistent/zenml-api/bus')).toBeUndefined();
    expect(await readSecret(attrs, { env: {}, timeoutMs: 100 })).toBeUndefined();
  });

  it('gives up at its deadline when the bus never answers', async () => {
    const path = await fakeBus({ auth: 'silent' });
    const t0 = Date.now();
    await expect(read(path, 150)).rejects.toBeInstanceOf(SecretServiceTimeout);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
