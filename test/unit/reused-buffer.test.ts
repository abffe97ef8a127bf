import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReusedBufferWriter } from '../../src/output/reused-buffer.js';

async function writeAll(pieces: string[], size: number): Promise<string> {
  const stream = new PassThrough();
  const w = new ReusedBufferWriter(stream, size);
  for (const p of pieces) await w.put(Buffer.from(p));
  await w.flush();
  stream.end();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('ReusedBufferWriter', () => {
  it('keeps every byte in order through a stream that holds chunks unread', async () => {
    // A PassThrough calls back before anyone reads: reusing the buffer would overwrite them.
    expect(await writeAll(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'], 8)).toBe('aaaabbbbccccddddeeee');
  });

  it('sends a piece bigger than the buffer on its own, between the others', async () => {
    expect(await writeAll(['ab', 'cdefghijkl', 'mn'], 4)).toBe('abcdefghijklmn');
  });

  it('returns a promise only when it had to write first', async () => {
    const w = new ReusedBufferWriter(new PassThrough(), 4);
    expect(w.put(Buffer.from('ab'))).toBeUndefined();
    expect(w.put(Buffer.from('cd'))).toBeUndefined();
    const p = w.put(Buffer.from('e'));
    expect(p).toBeInstanceOf(Promise);
    await p;
  });
});
