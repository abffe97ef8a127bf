// Preload for diagnostic runs of the CLI (never used in the timed runs):
//
//   ZAB_PROBE_OUT=FILE node --require ./bench/probe.cjs bin/zenml-api.js ARGS...
//
// CommonJS and --require on purpose: `node --import X` makes Node load the main script through the
// ES module loader, which would change what is being measured (bin/zenml-api.js is CommonJS).
//
// On exit it writes one JSON object to FILE:
//   marks    ms since process start (performance.now()) of: this preload, the first undici request
//            created, connect started/done (the HTTP/1 parser's WASM is compiled in between), request
//            headers sent, response headers, response end (ZAB_PROBE_PHASES=1), and the exit event
//   maxRssKB the process's own peak resident set (getrusage)
//   cjs      (ZAB_PROBE_MODULES=1) every file loaded through require(), e.g. the keyring's native
//            binding; the ES modules are logged by probe-hooks.mjs to ZAB_PROBE_ESM_LOG.
// ZAB_PROBE_V8_FLAGS (e.g. --liftoff-only) is passed to v8.setFlagsFromString first: an experiment
// of what the CLI could do at its start.
'use strict';
const dc = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');
const Module = require('node:module');
const { isAbsolute } = require('node:path');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');
const v8 = require('node:v8');

const out = process.env.ZAB_PROBE_OUT;
if (process.env.ZAB_PROBE_V8_FLAGS) v8.setFlagsFromString(process.env.ZAB_PROBE_V8_FLAGS);
const marks = { probe: performance.now() };
const cjs = new Set();

if (process.env.ZAB_PROBE_PHASES === '1') {
  const channels = {
    'undici:request:create': 'create',
    'undici:client:beforeConnect': 'connectStart',
    'undici:client:connected': 'connected',
    'undici:client:sendHeaders': 'sendHeaders',
    'undici:request:headers': 'headers',
    'undici:request:trailers': 'end',
  };
  for (const [channel, name] of Object.entries(channels)) {
    dc.subscribe(channel, () => {
      if (marks[name] === undefined) marks[name] = performance.now();
    });
  }
}

if (process.env.ZAB_PROBE_MODULES === '1') {
  if (process.env.ZAB_PROBE_ESM_LOG) {
    Module.register('./probe-hooks.mjs', pathToFileURL(__filename), { data: { log: process.env.ZAB_PROBE_ESM_LOG } });
  }
  const load = Module._load;
  Module._load = function probeLoad(request, parent, isMain) {
    const result = load.apply(this, arguments);
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (isAbsolute(file)) cjs.add(file);
    } catch {
      // a builtin, or something only the real loader understands
    }
    return result;
  };
}

process.on('exit', () => {
  marks.exit = performance.now();
  if (!out) return;
  writeFileSync(out, JSON.stringify({ marks, maxRssKB: process.resourceUsage().maxRSS, cjs: [...cjs] }));
});
