// Builds the CLI into one esbuild bundle (plus lazily loaded chunks) under dist/,
// and the test stand-in server into build/ for scripts that run it as a process.
import { build } from 'esbuild';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in at the end, so that a process running the CLI while a build
// runs (a test, a benchmark) never finds dist/ half gone.
const out = new URL('../dist.next', import.meta.url);
const dist = new URL('../dist', import.meta.url);
const old = new URL('../dist.old', import.meta.url);
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // The keyring's native module is loaded at run time from node_modules.
  external: ['@napi-rs/keyring', '@napi-rs/keyring-*'],
  banner: {
    // Some bundled CommonJS dependencies call require(); give them one.
    js: "import { createRequire as __zaCreateRequire } from 'node:module'; const require = __zaCreateRequire(import.meta.url);",
  },
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist.next',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { __ZENML_API_VERSION__: JSON.stringify(pkg.version) },
  minifySyntax: true,
  minifyWhitespace: false,
});

// The root help as the program renders it (80 columns, no terminal), so that `zenml-api --help`
// can be printed without loading commander; rendered from the bundle just built, so never stale.
const { execFileSync } = await import('node:child_process');
const rootHelp = execFileSync(process.execPath, ['dist.next/cli.js', '--help'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ZENML_API_CONFIG_DIR: '/nonexistent' },
});

// The hot paths as one small CommonJS file: bin/zenml-api.js runs it without starting the ESM loader.
await build({
  ...common,
  banner: {},
  format: 'cjs',
  entryPoints: { fast: 'src/fast.ts' },
  outdir: 'dist.next',
  outExtension: { '.js': '.cjs' },
  define: { __ZENML_API_VERSION__: JSON.stringify(pkg.version), __ZENML_API_ROOT_HELP__: JSON.stringify(rootHelp), 'import.meta.url': 'undefined' },
  minifySyntax: true,
});

rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });

// The stand-in server, for the demo and the benchmarks (not shipped).
if (existsSync(new URL('../test/support/standin/main.ts', import.meta.url))) {
  await build({ ...common, entryPoints: { standin: 'test/support/standin/main.ts' }, outdir: 'build' });
}
