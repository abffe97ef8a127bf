// An empty ES module: `node bench/empty.mjs` measures what the ESM loader costs on its own.
export {};
