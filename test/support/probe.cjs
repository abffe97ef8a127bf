// Preloaded into the binary (NODE_OPTIONS=--require) by tests: when the process exits, writes to
// $ZENML_API_PROBE_OUT what it loaded (files in require's cache, Node's internal module list)
// and its peak resident memory (VmHWM), so tests can check them without timing anything.
'use strict';
const fs = require('node:fs');
const out = process.env.ZENML_API_PROBE_OUT;
if (out) {
  process.on('exit', () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    fs.writeFileSync(
      out,
      JSON.stringify({
        peakRssBytes: hwm ? Number(hwm[1]) * 1024 : null,
        files: Object.keys(require.cache),
        builtins: process.moduleLoadList,
      }),
    );
  });
}
