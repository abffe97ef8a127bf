/**
 * Buffers for response bodies that come back for reuse. `call --paginate` reads hundreds of
 * pages of the same size; a page that arrives early waits for its turn long enough for V8 to move
 * its buffer to the old generation, where dead buffers are freed only by a full collection, and
 * their trail, not the pages in flight, set the command's peak memory. With the pool, the same few
 * buffers carry every page.
 */
const ROUND = 64 * 1024;

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private readonly mine = new WeakSet<ArrayBuffer>();

  /** `keep`: the most buffers kept for reuse (the pages that can be alive at once). */
  constructor(private readonly keep: number) {}

  /** A buffer of `size` bytes; its contents are whatever was there before. */
  take = (size: number): Buffer => {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.byteLength;
      if (len >= size && (best < 0 || len < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return Buffer.from(this.free.splice(best, 1)[0]!, 0, size);
    // Room to spare: the pages of one list differ by a few bytes (longer names and numbers later).
    const ab = new ArrayBuffer(Math.ceil((size + 1) / ROUND) * ROUND);
    this.mine.add(ab);
    return Buffer.from(ab, 0, size);
  };

  /** Gives a buffer from take() back; nothing may read or keep it afterwards. Others are ignored. */
  give(buf: Buffer): void {
    const ab = buf.buffer as ArrayBuffer;
    if (!this.mine.has(ab) || this.free.includes(ab)) return;
    if (this.free.length < this.keep) this.free.push(ab);
  }
}
