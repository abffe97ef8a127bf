/**
 * Random UUIDs (version 4) for Idempotency-Key and X-Request-ID without loading node:crypto,
 * which costs a one-request command more than its own code does (bench/RESULTS.md). The bytes
 * come from the kernel's generator, the same source node:crypto would use; where there is no
 * /dev/urandom (Windows), from node:crypto.
 */
import { closeSync, openSync, readSync } from 'node:fs';

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (process.platform !== 'win32') {
    try {
      const fd = openSync('/dev/urandom', 'r');
      try {
        let got = 0;
        while (got < n) {
          const r = readSync(fd, out, got, n - got, null);
          if (r <= 0) break;
          got += r;
        }
        if (got === n) return out;
      } finally {
        closeSync(fd);
      }
    } catch {
      // A sandbox without /dev: node:crypto below.
    }
  }
  return new Uint8Array(process.getBuiltinModule('node:crypto').randomBytes(n));
}

export function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
