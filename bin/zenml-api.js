#!/usr/bin/env node
'use strict';
// CommonJS on purpose (see bin/package.json): Node's ES module loader is never started.
// `--version`, `--help` and `token` with a stored, valid token run from the small dist/fast.cjs;
// everything else from dist/cli.cjs, which runs the command as it loads.
require('../dist/fast.cjs')
  .runFast(process.argv)
  .then((handled) => {
    if (!handled) require('../dist/cli.cjs');
  });
