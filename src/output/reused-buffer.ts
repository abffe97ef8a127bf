/**
 * Writes byte pieces to a stream through one buffer that is reused once the stream has taken
 * its contents, instead of a new buffer per batch. "Taken" is the write callback of a stream on a
 * file descriptor (process.stdout: a file, pipe or terminal, written by the time it calls back);
 * any other stream (a PassThrough in a test) may still hold the chunk by reference after its
 * callback, so it gets a copy. `call --paginate` prints
 * hundreds of megabytes in page-sized batches; allocating each batch left V8 with a trail of
 * dead ArrayBuffers that it frees only when their external size reaches its GC threshold, and
 * that trail was a visible share of the command's peak memory (bench/details/RESULTS.md).
 */
export class ReusedBufferWriter {
  private buf: Buffer;
  private len = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    size = 256 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /**
   * Adds a piece. Returns a promise only when the buffer had to be written out first (await it
   * then); a piece that fits costs no promise, which matters at hundreds of thousands of items.
   */
  put(piece: Buffer): Promise<void> | undefined {
    if (this.len + piece.length <= this.buf.length) {
      piece.copy(this.buf, this.len);
      this.len += piece.length;
      return undefined;
    }
    return this.flush().then(() => {
      // A piece bigger than the buffer goes out on its own.
      if (piece.length > this.buf.length) return this.writeOut(piece);
      piece.copy(this.buf, 0);
      this.len = piece.length;
    });
  }

  /** Writes what is buffered and waits until the stream has taken it. */
  async flush(): Promise<void> {
    if (this.len === 0) return;
    const n = this.len;
    this.len = 0;
    await this.writeOut(this.buf.subarray(0, n));
  }

  private writeOut(bytes: Buffer): Promise<void> {
    const onFd = typeof (this.stream as { fd?: unknown }).fd === 'number';
    const chunk = onFd ? bytes : Buffer.from(bytes);
    return new Promise((resolve, reject) => {
      this.stream.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }
}
