/** How much of an answer the tool reads whole (api/http.ts reads with these; README, Security). */

const MiB = 1024 * 1024;

/**
 * The most bytes of one answer the tool reads whole (every body it parses, and error bodies).
 * Far above what a ZenML server sends (an OpenAPI document of 0.85 is 1.3 MB, a page of 1000
 * items a few MB), and low enough that a hostile or broken server cannot exhaust memory.
 */
export const MAX_BODY_BYTES = 16 * MiB;

/**
 * The cap of answers that hold one small object (server info, login and device-flow tokens, the
 * current user): a thousand times what a server sends, and a hostile one costs almost nothing.
 */
export const SMALL_BODY_BYTES = 1 * MiB;
