// Builds the CLI as CommonJS under dist/, and the test stand-in server into build/ for scripts
// that run it as a process:
//
//   dist/main.cjs           what bin/zenml-api.js runs: answers `--version` and `--help`, and
//                           loads one of the two below (src/load-bundle.ts: as a vm.Script, with
//                           V8's compiled code kept between runs)
//   dist/fast.cjs           `token` with a valid stored token
//   dist/cli.cjs            everything else: our code and the small dependencies
//   dist/vendor/<name>.cjs  the large dependencies, each require()d only by the code that uses it:
//                           proxy (proxy agents, only with a proxy set), commander (commands parsed by commander),
//                           jq (jq-wasm, --jq only)
//
// CommonJS because Node's ES module loader costs more than our whole hot path and makes a large
// module slower to load than require() does (measured: bench/details/RESULTS.md). esbuild keeps a dynamic
// import() of our own modules lazy in a CommonJS bundle (each such module is wrapped in an
// initialiser), but cannot split a CommonJS bundle into chunks, so the large packages are separate
// bundles instead: a command never compiles a package it does not use.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in at the end, so that a process running the CLI while a build
// runs (a test, a benchmark) never finds dist/ half gone.
const out = new URL('../dist.next', import.meta.url);
const dist = new URL('../dist', import.meta.url);
const old = new URL('../dist.old', import.meta.url);
rmSync(out, { recursive: true, force: true });

// dist/vendor/<name>.cjs: the npm packages each one holds.
const VENDOR = { proxy: ['proxy-from-env', 'https-proxy-agent', 'http-proxy-agent'], commander: ['commander'], jq: ['jq-wasm'] };
const vendorOf = (specifier) => Object.keys(VENDOR).find((v) => VENDOR[v].some((p) => specifier === p || specifier.startsWith(`${p}/`)));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The keyring's native module is loaded at run time from node_modules.
  external: ['@napi-rs/keyring', '@napi-rs/keyring-*'],
};
const cjs = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' }, minifySyntax: true, metafile: true };
const version = JSON.stringify(pkg.version);
// esbuild leaves import.meta empty in CommonJS output; our sources use import.meta.url only where
// there is no `require` (src/auth/secrets/node-require.ts, when tests run the sources as ESM),
// and createRequire() takes a file path as well as a URL.
const importMeta = { 'import.meta.url': '__filename' };

// The CLI. Every import of a vendored package becomes a lazy require() of its bundle, keyed by
// the import specifier.
const vendorSpecifiers = Object.fromEntries(Object.keys(VENDOR).map((v) => [v, new Set()]));
const cli = await build({
  ...cjs,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist.next',
  define: { ...importMeta, __ZENML_API_VERSION__: version },
  plugins: [
    {
      name: 'vendor',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          const v = vendorOf(args.path);
          if (!v) return undefined;
          vendorSpecifiers[v].add(args.path);
          return { path: args.path, namespace: 'vendor', pluginData: v };
        });
        b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(`./vendor/${args.pluginData}.cjs`)})[${JSON.stringify(args.path)}];`,
          loader: 'js',
        }));
        b.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});

// The vendor bundles: one getter per specifier, so that a part is evaluated when first used.
const bundled = { 'dist.next/cli.cjs': Object.keys(cli.metafile.inputs) };
for (const [v, specifiers] of Object.entries(vendorSpecifiers)) {
  if (!specifiers.size) continue;
  const getters = [...specifiers].map((s) => `  get ${JSON.stringify(s)}() { return require(${JSON.stringify(s)}); },`);
  const r = await build({
    ...cjs,
    stdin: { contents: `module.exports = {\n${getters.join('\n')}\n};\n`, resolveDir: process.cwd(), sourcefile: `vendor-${v}.js` },
    outfile: `dist.next/vendor/${v}.cjs`,
  });
  bundled[`dist.next/vendor/${v}.cjs`] = Object.keys(r.metafile.inputs).filter((i) => i !== `vendor-${v}.js`);
}
// A module in two of these bundles would exist twice at run time (two agent classes, two
// commander classes): refuse, and say which.
const owner = new Map();
for (const [file, inputs] of Object.entries(bundled)) {
  for (const input of inputs) {
    if (owner.has(input)) throw new Error(`build: ${input} is bundled into both ${owner.get(input)} and ${file}; add its package to a VENDOR group in scripts/build.mjs`);
    owner.set(input, file);
  }
}

// The root help as the program renders it (80 columns, no terminal), so that `zenml-api --help`
// can be printed without loading commander; rendered from the bundle just built, so never stale.
const rootHelp = execFileSync(process.execPath, ['dist.next/cli.cjs', '--help'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ZENML_API_CONFIG_DIR: '/nonexistent' },
});

// The program's top-level commands, as its completion lists them: the launcher keys the kept
// compiled code by command (src/load-bundle.ts) and must never record anything else a user typed.
const commands = execFileSync(process.execPath, ['dist.next/cli.cjs', '__complete', ''], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ZENML_API_CONFIG_DIR: '/nonexistent' },
})
  .split('\n')
  .map((line) => line.split('\t')[0])
  .filter((name) => /^[a-z][a-z-]*$/.test(name));
if (!commands.includes('login') || !commands.includes('call')) throw new Error(`build: the program's commands were not found (${commands.join(', ')})`);

// The token path, then the launcher, each one small CommonJS file. main.cjs requires the others by
// their file names at run time, and keeps V8's compiled code of them under an identity of their
// exact bytes (src/load-bundle.ts: V8's own check compares only the length of the source).
await build({ ...cjs, metafile: false, entryPoints: { fast: 'src/fast.ts' }, outdir: 'dist.next', define: { ...importMeta, __ZENML_API_VERSION__: version } });
const buildId = createHash('sha256').update(readFileSync('dist.next/cli.cjs')).update(readFileSync('dist.next/fast.cjs')).digest('hex').slice(0, 16);
await build({
  ...cjs,
  metafile: false,
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist.next',
  define: { ...importMeta, __ZENML_API_VERSION__: version, __ZENML_API_ROOT_HELP__: JSON.stringify(rootHelp), __ZENML_API_BUILD_ID__: JSON.stringify(buildId), __ZENML_API_COMMANDS__: JSON.stringify(commands) },
});
// The launcher runs the bundles in a vm.Script, which has no ES module loader behind it; an
// import() of a Node module would also start that loader for nothing (process.getBuiltinModule
// does the same synchronously).
// It also reads them as Latin-1, which is faster than UTF-8 and the same for ASCII: esbuild escapes
// what is not ASCII in code, but not in comments it keeps.
for (const f of ['main', 'fast', 'cli']) {
  const text = readFileSync(`dist.next/${f}.cjs`, 'utf8');
  const m = /\bimport\(\s*["'`][^"'`]*["'`]\s*\)/.exec(text);
  if (m) throw new Error(`build: dist/${f}.cjs has ${m[0]}: use process.getBuiltinModule() for Node modules, or a vendor bundle`);
  const wide = /[^\x00-\x7f]/.exec(text);
  if (wide) throw new Error(`build: dist/${f}.cjs is not ASCII near ${JSON.stringify(text.slice(Math.max(0, wide.index - 40), wide.index + 10))}; write the comment in ASCII`);
}

rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });

// The stand-in server, for the demo and the benchmarks (not shipped).
if (existsSync(new URL('../test/support/standin/main.ts', import.meta.url))) {
  await build({
    ...common,
    format: 'esm',
    banner: {
      // Some bundled CommonJS dependencies call require(); give them one.
      js: "import { createRequire as __zaCreateRequire } from 'node:module'; const require = __zaCreateRequire(import.meta.url);",
    },
    entryPoints: { standin: 'test/support/standin/main.ts' },
    outdir: 'build',
  });
}
