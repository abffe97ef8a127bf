#!/usr/bin/env node
'use strict';
// CommonJS on purpose (see bin/package.json): Node's ES module loader is never started.
// `--version`, `--help` and `token` with a stored, valid token run from the small dist/fast.cjs;
// everything else from dist/cli.cjs, which runs the command as it loads.
require('../dist/fast.cjs')
  .runFast(process.argv)
  .then((handled) => {
    if (handled) return;
    keepCompiledCode();
    require('../dist/cli.cjs');
  });

/**
 * Node 22.1 and later keep V8's compiled code of the CLI bundle on disk, so that the next command
 * does not compile it again (bench/RESULTS.md measures the difference). In the user's own cache
 * folder, never a shared one: compiled code is code. The fast path above does not need it.
 */
function keepCompiledCode() {
  try {
    const { enableCompileCache } = require('node:module');
    if (typeof enableCompileCache !== 'function' || process.env.NODE_COMPILE_CACHE !== undefined) return;
    const { homedir } = require('node:os');
    const { join } = require('node:path');
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    enableCompileCache(join(base, 'zenml-api', 'v8-compile-cache'));
  } catch {
    // A cache that cannot be used only costs the compile it would have saved.
  }
}
