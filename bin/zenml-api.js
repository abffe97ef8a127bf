#!/usr/bin/env node
'use strict';
// CommonJS on purpose (see bin/package.json): `--version` and `token` with a stored, valid token
// run from dist/fast.cjs without starting Node's ESM loader; everything else loads the ESM bundle.
require('../dist/fast.cjs')
  .runFast(process.argv)
  .then((handled) => {
    if (!handled) return import('../dist/cli.js');
  });
