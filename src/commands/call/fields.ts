/**
 * Parsing `call`'s -f/-F/-q/-H values into a request. Pure apart from reading @file and @- (stdin),
 * which the caller injects.
 */
import { UsageError } from '../../errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function splitKeyValue(raw: string, flag: string): [string, string] {
  const i = raw.indexOf('=');
  if (i <= 0) throw new UsageError(`${flag} needs key=value, got ${JSON.stringify(raw.slice(0, 60))}`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** `a[b][]` → ['a', 'b', ''] ; plain `a` → ['a']. */
export function parseKeyPath(key: string, flag: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) throw new UsageError(`${flag}: malformed key ${JSON.stringify(key.slice(0, 60))} (use name, a[b] or a[])`);
  const rest = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
  return [m[1]!, ...rest];
}

/** A JSON object without a prototype, so that keys like __proto__ are plain keys. */
export function emptyObject(): { [k: string]: Json } {
  return Object.create(null) as { [k: string]: Json };
}

function defineOwn(obj: { [k: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Sets a value at a key path, creating objects and arrays ([] appends). */
export function setPath(target: { [k: string]: Json }, path: string[], value: Json, flag: string): void {
  let cur: Json = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const nextIsArray = !last && path[i + 1] === '';
    if (Array.isArray(cur)) {
      if (seg !== '') throw new UsageError(`${flag}: cannot mix [] and [name] at the same level of ${path[0]}`);
      if (last) cur.push(value);
      else {
        const child: Json = nextIsArray ? [] : emptyObject();
        cur.push(child);
        cur = child;
      }
      continue;
    }
    if (cur === null || typeof cur !== 'object') throw new UsageError(`${flag}: ${path.slice(0, i).join('.')} is already a plain value`);
    if (seg === '') throw new UsageError(`${flag}: [] must follow a name`);
    const obj: { [k: string]: Json } = cur;
    if (last) {
      // A later field replaces an earlier value, but not what nested fields built: that is two
      // shapes for one key (-F 'a[b][]=1' -F 'a[b]=2'), and the first would be lost unnoticed.
      const had = Object.hasOwn(obj, seg) ? obj[seg] : undefined;
      if (had !== null && typeof had === 'object') {
        const key = `${path[0]}${path.slice(1).map((p) => `[${p}]`).join('')}`;
        throw new UsageError(`${flag}: ${key} already holds ${Array.isArray(had) ? 'a list' : 'an object'} from an earlier field; give it one way`);
      }
      defineOwn(obj, seg, value);
    } else {
      if (!Object.hasOwn(obj, seg)) defineOwn(obj, seg, nextIsArray ? [] : emptyObject());
      cur = obj[seg]!;
    }
  }
}

export interface FileReader {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

/** -F values: true/false/null, numbers, JSON arrays and objects, @file, @-; else a string. */
export async function typedValue(raw: string, flag: string, files: FileReader): Promise<Json> {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (raw.startsWith('[') || raw.startsWith('{')) {
    try {
      return JSON.parse(raw) as Json;
    } catch {
      throw new UsageError(`${flag}: ${JSON.stringify(raw.slice(0, 60))} starts like JSON but is not valid JSON`);
    }
  }
  if (raw === '@-') return files.readStdin();
  if (raw.startsWith('@')) return files.readFile(raw.slice(1));
  return raw;
}

/** Builds the JSON body from -f (string) and -F (typed) fields, in the order given. */
export async function buildFields(args: ReadonlyArray<{ typed: boolean; raw: string }>, files: FileReader): Promise<{ [k: string]: Json }> {
  const out = emptyObject();
  for (const { typed, raw } of args) {
    const flag = typed ? '-F/--typed-field' : '-f/--field';
    const [k, v] = splitKeyValue(raw, flag);
    setPath(out, parseKeyPath(k, flag), typed ? await typedValue(v, flag, files) : v, flag);
  }
  return out;
}

export function parseHeader(raw: string): [string, string] {
  const i = raw.indexOf(':');
  if (i <= 0) throw new UsageError(`-H/--header needs 'Name: value', got ${JSON.stringify(raw.slice(0, 60))}`);
  const name = raw.slice(0, i).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H/--header: invalid header name ${JSON.stringify(name.slice(0, 60))}`);
  const value = raw.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`-H/--header: the value of ${name} contains a line break`);
  return [name, value];
}

/** Flattens fields for a query string or a form body: nested keys keep their bracket form. */
export function flattenFields(fields: { [k: string]: Json }, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(fields)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (Array.isArray(v)) for (const item of v) out.push(...(item !== null && typeof item === 'object' ? flattenFields(item as { [k: string]: Json }, `${key}[]`) : [[`${key}`, String(item)] as [string, string]]));
    else if (v !== null && typeof v === 'object') out.push(...flattenFields(v, key));
    else out.push([key, v === null ? '' : String(v)]);
  }
  return out;
}

/** PATH → `/api/v1/…` unless it is absolute (a URL, `/api/...`, or another root path). */
export function apiPath(path: string): string {
  if (path === '') throw new UsageError('PATH is empty');
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  if (path.startsWith('/')) return path;
  return `/api/v1/${path}`;
}
