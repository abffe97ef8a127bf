/** `call` in its plain shapes, parsed without commander: see cli-args.ts fastParse. */
import { fastParse } from '../../cli-args.js';
import type { Input } from '../options.js';
import { CALL_COMMAND } from './spec.js';

export function fastCallArgs(args: string[]): Input<typeof CALL_COMMAND> | null {
  return fastParse(CALL_COMMAND, args);
}
