#!/usr/bin/env node
'use strict';
// CommonJS on purpose (see bin/package.json): Node's ES module loader is never started.
// dist/main.cjs decides which bundle answers (src/main.ts).
require('../dist/main.cjs').start(process.argv);
