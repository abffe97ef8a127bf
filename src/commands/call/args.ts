/** `call` in its plain shapes, parsed without commander: see cli-args.ts fastParse. */
import { FAST_CALL, fastParse, type FastArgs } from '../../cli-args.js';

export function fastCallArgs(args: string[]): FastArgs | null {
  return fastParse(FAST_CALL, args);
}
