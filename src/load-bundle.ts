/**
 * Loads one of our CommonJS bundles (dist/cli.cjs, dist/fast.cjs) the way require() would, but
 * keeps V8's compiled code of it between runs, in the user's own cache folder.
 *
 * Not Node's module.enableCompileCache(): that keeps only what V8 compiles up front, the top
 * level of the bundle, and V8 compiles every function lazily, on its first call; a command
 * spends more time compiling the functions it calls than the bundle's top level. The code
 * V8 gives back after a command has run (vm.Script#createCachedData) holds those functions too.
 * The file is written again when a command runs that the kept code has not seen yet (by its name
 * only: main.ts passes a top-level command's name or nothing, never other words a user typed), so
 * it comes to hold the commands this user runs; V8 itself refuses kept code
 * that does not match the bundle's source, flags or version, and then it is written afresh.
 *
 * Compiled code is code: it is read only from a folder that is the user's own and that no one
 * else may write to; the folder is made 0700, the file 0600, written whole (fsutil's
 * writeFileAtomic, which also clears temp files a killed process left). Any failure here only
 * costs the compile it would have saved.
 */
import { writeFileAtomic } from './auth/fsutil.js';
import { homeDir } from './auth/paths.js';

declare const __ZENML_API_BUILD_ID__: string;

interface Kept {
  /** The bundle file it was made from, as size and modification time: a bundle edited in place is compiled afresh. */
  source: string;
  words: string[];
  data: Buffer;
}

function cacheFolder(): string | null {
  const env = process.env;
  if (env.ZENML_API_NO_CODE_CACHE === '1') return null;
  const { join } = process.getBuiltinModule('node:path');
  const base = env.XDG_CACHE_HOME || join(homeDir(env), '.cache');
  return join(base, 'zenml-api', 'code');
}

/**
 * Whether the folder is the user's own: a real folder (not a link), owned by this user, that no
 * one else may write to. Kept code from anywhere else would be code someone else chose.
 */
function isOwnFolder(folder: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    const st = process.getBuiltinModule('node:fs').lstatSync(folder);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The kept file: one line of JSON (its source, the command words it has seen), then V8's bytes. */
function readKept(file: string): Kept | null {
  const { readFileSync } = process.getBuiltinModule('node:fs');
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return null;
  }
  const nl = raw.indexOf(10);
  if (nl < 0) return null;
  try {
    const head = JSON.parse(raw.subarray(0, nl).toString('utf8')) as { source?: unknown; words?: unknown } | null;
    const words = head?.words;
    if (typeof head?.source !== 'string' || !Array.isArray(words) || !words.every((w) => typeof w === 'string')) return null;
    return { source: head.source, words, data: raw.subarray(nl + 1) };
  } catch {
    return null;
  }
}

function writeKept(bundle: string, folder: string, file: string, kept: Kept): void {
  const fs = process.getBuiltinModule('node:fs');
  const { join } = process.getBuiltinModule('node:path');
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (!isOwnFolder(folder)) return;
  writeFileAtomic(file, Buffer.concat([Buffer.from(`${JSON.stringify({ source: kept.source, words: kept.words })}\n`), kept.data]));
  // Code kept for other builds of the tool (any Node version) is of no further use.
  for (const name of fs.readdirSync(folder)) {
    if (name.startsWith(`${bundle}-`) && !name.startsWith(`${bundle}-${__ZENML_API_BUILD_ID__}-`)) fs.rmSync(join(folder, name), { force: true });
  }
}

/**
 * Runs the bundle `name` (beside this file) as a CommonJS module and returns its exports.
 * `word`: the command being run (a name the program defines, or ''), which decides whether the
 * kept code is worth writing again.
 */
export function loadBundle(name: 'cli' | 'fast', word: string): unknown {
  const { readFileSync, statSync } = process.getBuiltinModule('node:fs');
  const { join, dirname } = process.getBuiltinModule('node:path');
  const vm = process.getBuiltinModule('node:vm');
  const file = join(__dirname, `${name}.cjs`);
  const folder = cacheFolder();
  const keptFile = folder && join(folder, `${name}-${__ZENML_API_BUILD_ID__}-${process.version}-${process.arch}.v8`);
  // ASCII (the build checks it), where Latin-1 reads the same text faster than UTF-8.
  const code = readFileSync(file, 'latin1');
  const st = statSync(file);
  const source = `${st.size}:${st.mtimeMs}`;
  const found = keptFile && isOwnFolder(folder) ? readKept(keptFile) : null;
  const kept = found?.source === source ? found : null;

  // The wrapper require() gives a module (Module.wrap: not taken from node:module, which on
  // Node 20 loads the ES module loader with it).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${code}\n});`;
  const script = new vm.Script(wrapped, { filename: file, ...(kept ? { cachedData: kept.data } : {}) });
  const usable = kept !== null && !script.cachedDataRejected;
  if (keptFile && folder && (!usable || !kept.words.includes(word))) {
    const words = usable ? [...kept.words, word] : [word];
    process.once('exit', () => {
      try {
        writeKept(name, folder, keptFile, { source, words, data: script.createCachedData() });
      } catch {
        // Not kept: the next run compiles again.
      }
    });
  }
  // A module like any other, in require's cache, so that a require() of the same file finds this
  // one; it resolves what it requires as this launcher does, from the same folder.
  const Module = module.constructor as new (id: string, parent?: NodeJS.Module) => NodeJS.Module;
  const mod = new Module(file, module);
  mod.filename = file;
  require.cache[file] = mod;
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, require, mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}
