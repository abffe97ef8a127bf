/**
 * The D-Bus wire format, as much of it as a Secret Service lookup needs: marshalling of the basic
 * types, strings, object paths, signatures, arrays, dict entries, structs and variants, and the
 * framing of messages (https://dbus.freedesktop.org/doc/dbus-specification.html, "Message
 * Protocol"). Pure functions over Buffers; the socket is in dbus.ts.
 *
 * Values: numbers for y/b/n/q/i/u, bigint for x/t, strings for s/o/g, booleans for b, a Buffer
 * for `ay`, an array for other arrays and for structs, `[key, value]` pairs for dict entries and
 * `{ sig, value }` for variants.
 */

export interface Variant {
  sig: string;
  value: DbusValue;
}
export type DbusValue = number | bigint | string | boolean | Buffer | Variant | DbusValue[];

export class DbusWireError extends Error {}

const ALIGN: Record<string, number> = { y: 1, b: 4, n: 2, q: 2, i: 4, u: 4, x: 8, t: 8, d: 8, s: 4, o: 4, g: 1, a: 4, '(': 8, '{': 8, v: 1, h: 4 };

function alignOf(type: string): number {
  const a = ALIGN[type[0]!];
  if (a === undefined) throw new DbusWireError(`unsupported D-Bus type ${JSON.stringify(type)}`);
  return a;
}

/** The end (exclusive) of the single complete type starting at `i` in `sig`. */
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === undefined) throw new DbusWireError(`truncated signature ${JSON.stringify(sig)}`);
  if (c === 'a') return typeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let j = i + 1;
    while (sig[j] !== close) {
      if (j >= sig.length) throw new DbusWireError(`unbalanced signature ${JSON.stringify(sig)}`);
      j = typeEnd(sig, j);
    }
    return j + 1;
  }
  if (ALIGN[c] === undefined) throw new DbusWireError(`unsupported D-Bus type ${JSON.stringify(c)} in ${JSON.stringify(sig)}`);
  return i + 1;
}

/** Splits a signature into its complete types: "a{ss}o" → ["a{ss}", "o"]. */
export function splitSignature(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const end = typeEnd(sig, i);
    out.push(sig.slice(i, end));
    i = end;
  }
  return out;
}

/**
 * Builds a message in a plain array of bytes: a lookup marshals a few hundred bytes once per
 * process, and the first call of each Buffer method costs ~0.1 ms of lazy compilation, which
 * made the Buffer-based version of this writer cost ~2 ms (measured) for three small messages.
 */
class Writer {
  private readonly out: number[] = [];

  get pos(): number {
    return this.out.length;
  }
  align(n: number): void {
    while (this.out.length % n !== 0) this.out.push(0);
  }
  u8(v: number): void {
    this.out.push(v & 0xff);
  }
  u32(v: number): void {
    this.align(4);
    this.out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  bytes(b: Uint8Array): void {
    for (let k = 0; k < b.length; k++) this.out.push(b[k]!);
  }
  private wide(n: 8, write: (b: Buffer) => void): void {
    this.align(n);
    const b = Buffer.alloc(n);
    write(b);
    this.bytes(b);
  }
  value(type: string, v: DbusValue): void {
    const c = type[0]!;
    switch (c) {
      case 'y':
        return this.u8(num(v, type));
      case 'b':
        return this.u32(v === true || v === 1 ? 1 : 0);
      case 'n':
      case 'q': {
        this.align(2);
        const x = num(v, type) & 0xffff;
        this.out.push(x & 0xff, x >>> 8);
        return;
      }
      case 'i':
      case 'u':
      case 'h':
        return this.u32(num(v, type) >>> 0);
      case 'x':
        return this.wide(8, (b) => b.writeBigInt64LE(BigInt(v as bigint)));
      case 't':
        return this.wide(8, (b) => b.writeBigUInt64LE(BigInt(v as bigint)));
      case 'd':
        return this.wide(8, (b) => b.writeDoubleLE(num(v, type)));
      case 's':
      case 'o': {
        const b = Buffer.from(str(v, type), 'utf8');
        this.u32(b.length);
        this.bytes(b);
        return this.u8(0);
      }
      case 'g': {
        const b = Buffer.from(str(v, type), 'ascii');
        if (b.length > 255) throw new DbusWireError('signature longer than 255 bytes');
        this.u8(b.length);
        this.bytes(b);
        return this.u8(0);
      }
      case 'v': {
        const variant = v as Variant;
        if (!variant || typeof variant !== 'object' || typeof (variant as Variant).sig !== 'string') throw new DbusWireError('variant without a signature');
        splitSignature(variant.sig);
        this.value('g', variant.sig);
        return this.value(variant.sig, variant.value);
      }
      case 'a': {
        const elem = type.slice(1);
        this.u32(0);
        const lenAt = this.pos - 4;
        this.align(alignOf(elem));
        const start = this.pos;
        if (elem === 'y' && Buffer.isBuffer(v)) this.bytes(v);
        else {
          if (!Array.isArray(v)) throw new DbusWireError(`expected an array for ${type}`);
          for (const item of v) this.value(elem, item);
        }
        const length = this.pos - start;
        if (length > 64 * 1024 * 1024) throw new DbusWireError('array longer than 64 MiB');
        this.patch32(lenAt, length);
        return;
      }
      case '(':
      case '{': {
        const fields = splitSignature(type.slice(1, -1));
        if (!Array.isArray(v) || v.length !== fields.length) throw new DbusWireError(`expected ${fields.length} fields for ${type}`);
        this.align(8);
        fields.forEach((f, k) => this.value(f, v[k]!));
        return;
      }
      default:
        throw new DbusWireError(`unsupported D-Bus type ${JSON.stringify(type)}`);
    }
  }
  append(other: Writer): void {
    for (const x of other.out) this.out.push(x);
  }
  private patch32(at: number, v: number): void {
    this.out[at] = v & 0xff;
    this.out[at + 1] = (v >>> 8) & 0xff;
    this.out[at + 2] = (v >>> 16) & 0xff;
    this.out[at + 3] = (v >>> 24) & 0xff;
  }
  take(): Buffer {
    return Buffer.from(this.out);
  }
}

function num(v: DbusValue, type: string): number {
  if (typeof v !== 'number') throw new DbusWireError(`expected a number for ${type}`);
  return v;
}
function str(v: DbusValue, type: string): string {
  if (typeof v !== 'string') throw new DbusWireError(`expected a string for ${type}`);
  return v;
}

/** Marshals `values` by `sig` (a sequence of complete types), little-endian, aligned from offset 0. */
export function marshal(sig: string, values: DbusValue[]): Buffer {
  const types = splitSignature(sig);
  if (types.length !== values.length) throw new DbusWireError(`signature ${sig} wants ${types.length} values, got ${values.length}`);
  const w = new Writer();
  types.forEach((t, k) => w.value(t, values[k]!));
  return w.take();
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly little: boolean,
    private readonly end: number,
  ) {}
  private need(n: number): void {
    if (this.pos + n > this.end) throw new DbusWireError('message truncated');
  }
  align(n: number): void {
    this.pos += (n - (this.pos % n)) % n;
    if (this.pos > this.end) throw new DbusWireError('message truncated');
  }
  u32(): number {
    this.align(4);
    this.need(4);
    const v = this.little ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  value(type: string, depth = 0): DbusValue {
    if (depth > 32) throw new DbusWireError('values nested too deep');
    const c = type[0]!;
    const b = this.buf;
    const le = this.little;
    switch (c) {
      case 'y':
        this.need(1);
        return b[this.pos++]!;
      case 'b':
        return this.u32() !== 0;
      case 'n':
      case 'q': {
        this.align(2);
        this.need(2);
        const v = c === 'n' ? (le ? b.readInt16LE(this.pos) : b.readInt16BE(this.pos)) : le ? b.readUInt16LE(this.pos) : b.readUInt16BE(this.pos);
        this.pos += 2;
        return v;
      }
      case 'i': {
        this.align(4);
        this.need(4);
        const v = le ? b.readInt32LE(this.pos) : b.readInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case 'u':
      case 'h':
        return this.u32();
      case 'x':
      case 't': {
        this.align(8);
        this.need(8);
        const v = c === 'x' ? (le ? b.readBigInt64LE(this.pos) : b.readBigInt64BE(this.pos)) : le ? b.readBigUInt64LE(this.pos) : b.readBigUInt64BE(this.pos);
        this.pos += 8;
        return v;
      }
      case 'd': {
        this.align(8);
        this.need(8);
        const v = le ? b.readDoubleLE(this.pos) : b.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case 's':
      case 'o': {
        const n = this.u32();
        this.need(n + 1);
        const v = b.toString('utf8', this.pos, this.pos + n);
        this.pos += n + 1;
        return v;
      }
      case 'g': {
        this.need(1);
        const n = b[this.pos++]!;
        this.need(n + 1);
        const v = b.toString('ascii', this.pos, this.pos + n);
        this.pos += n + 1;
        return v;
      }
      case 'v': {
        const sig = this.value('g') as string;
        const types = splitSignature(sig);
        if (types.length !== 1) throw new DbusWireError(`variant signature ${JSON.stringify(sig)} is not one type`);
        return { sig, value: this.value(sig, depth + 1) };
      }
      case 'a': {
        const elem = type.slice(1);
        const n = this.u32();
        this.align(alignOf(elem));
        const stop = this.pos + n;
        if (stop > this.end) throw new DbusWireError('message truncated');
        if (elem === 'y') {
          const v = Buffer.from(b.subarray(this.pos, stop));
          this.pos = stop;
          return v;
        }
        const out: DbusValue[] = [];
        while (this.pos < stop) out.push(this.value(elem, depth + 1));
        if (this.pos !== stop) throw new DbusWireError('array length does not match its elements');
        return out;
      }
      case '(':
      case '{': {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((f) => this.value(f, depth + 1));
      }
      default:
        throw new DbusWireError(`unsupported D-Bus type ${JSON.stringify(type)}`);
    }
  }
}

/** Unmarshals the values of `sig` from `buf[start, end)`; alignment counts from `buf[0]`, the message's start. */
export function unmarshal(sig: string, buf: Buffer, start = 0, end = buf.length, little = true): DbusValue[] {
  const r = new Reader(buf, start, little, end);
  return splitSignature(sig).map((t) => r.value(t));
}

export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;

const Field = { Path: 1, Interface: 2, Member: 3, ErrorName: 4, ReplySerial: 5, Destination: 6, Sender: 7, Signature: 8 } as const;

export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DbusValue[];
}

/** One method call message, little-endian. */
export function encodeMethodCall(serial: number, call: MethodCall): Buffer {
  const body = new Writer();
  if (call.signature) {
    const types = splitSignature(call.signature);
    const values = call.body ?? [];
    if (types.length !== values.length) throw new DbusWireError(`signature ${call.signature} wants ${types.length} values, got ${values.length}`);
    types.forEach((t, k) => body.value(t, values[k]!));
  }
  const fields: DbusValue[] = [
    [Field.Path, { sig: 'o', value: call.path }],
    [Field.Interface, { sig: 's', value: call.interface }],
    [Field.Member, { sig: 's', value: call.member }],
    [Field.Destination, { sig: 's', value: call.destination }],
  ];
  if (call.signature) fields.push([Field.Signature, { sig: 'g', value: call.signature }]);
  const w = new Writer();
  const header: Array<[string, DbusValue]> = [['y', 0x6c], ['y', MessageType.MethodCall], ['y', 0], ['y', 1], ['u', body.pos], ['u', serial], ['a(yv)', fields]];
  for (const [t, v] of header) w.value(t, v);
  // The body starts 8-aligned, so its own alignment (counted from its start) still holds.
  w.align(8);
  w.append(body);
  return w.take();
}

export interface Message {
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  path?: string;
  member?: string;
  signature: string;
  body: DbusValue[];
}

const MAX_MESSAGE = 128 * 1024 * 1024;

/**
 * The first complete message in `buf`, with its length in bytes, or null when more bytes are
 * needed. Throws DbusWireError on a malformed message.
 */
export function decodeMessage(buf: Buffer): { message: Message; length: number } | null {
  if (buf.length < 16) return null;
  const endian = buf[0];
  if (endian !== 0x6c && endian !== 0x42) throw new DbusWireError('not a D-Bus message (bad endianness byte)');
  const little = endian === 0x6c;
  if (buf[3] !== 1) throw new DbusWireError(`unsupported D-Bus protocol version ${buf[3]}`);
  const bodyLength = little ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
  const fieldsLength = little ? buf.readUInt32LE(12) : buf.readUInt32BE(12);
  const headerEnd = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
  const length = headerEnd + bodyLength;
  if (fieldsLength > MAX_MESSAGE || length > MAX_MESSAGE) throw new DbusWireError('D-Bus message too large');
  if (buf.length < length) return null;
  const [, type, , , , serial, fields] = unmarshal('yyyyuua(yv)', buf, 0, 16 + fieldsLength, little) as [number, number, number, number, number, number, DbusValue[]];
  const message: Message = { type, serial, signature: '', body: [] };
  for (const f of fields) {
    const [code, v] = f as [number, Variant];
    if (code === Field.ReplySerial && typeof v.value === 'number') message.replySerial = v.value;
    else if (code === Field.ErrorName && typeof v.value === 'string') message.errorName = v.value;
    else if (code === Field.Signature && typeof v.value === 'string') message.signature = v.value;
    else if (code === Field.Path && typeof v.value === 'string') message.path = v.value;
    else if (code === Field.Member && typeof v.value === 'string') message.member = v.value;
  }
  message.body = message.signature ? unmarshal(message.signature, buf, headerEnd, length, little) : [];
  return { message, length };
}
