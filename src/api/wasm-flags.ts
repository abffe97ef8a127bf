/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with its
 * baseline compiler (Liftoff) and then again, on background threads, with its optimizing one
 * (TurboFan); a short-lived CLI pays for that second compile in full, and its exit waits for it.
 * Measured on the team machine: one GET went from ~1.08 s to ~0.65 s wall (user CPU 522 → 350
 * ms) under load; bench/details/RESULTS.md has the quiet numbers. Baseline code parses our small
 * responses fast enough. Imported before undici so that the flag is set before the module exists.
 *
 * It also keeps peak memory down once a large body has made the parser hot (docs/DESIGN.md,
 * bounded reads). The flag exists in the V8 of every Node.js from 20 to 26; elsewhere it is left
 * alone, since an unknown flag would print a warning. ZENML_API_WASM_TIERUP=1 keeps V8's default.
 */
import { setFlagsFromString } from 'node:v8';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 20 && major <= 26 && process.env.ZENML_API_WASM_TIERUP !== '1') setFlagsFromString('--liftoff-only');
