/**
 * `require` for loading a module lazily: the CommonJS bundles (dist/*.cjs) have one; the
 * TypeScript sources running as ESM (tests) get one made for them. Not a dynamic import(), which
 * would start Node's ES module loader in the CommonJS bundles.
 */
export function nodeRequire(): NodeJS.Require {
  return typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(import.meta.url);
}
