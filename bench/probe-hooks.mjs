// Module hooks registered by probe.cjs (ZAB_PROBE_MODULES=1): appends the URL of every file the
// ES module loader loads to the log file, one a line. Runs on the hooks thread.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data?.log;
}

export async function load(url, context, nextLoad) {
  if (log && url.startsWith('file:')) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
