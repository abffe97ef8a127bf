/**
 * One message from any ZenML or Pro error body (docs/zenml-api.md §5).
 * Pure: no I/O, no secrets handling beyond what the caller passes in.
 */

export interface ParsedError {
  /** The server's error class (`KeyError`, `CredentialsNotValid`, `authorization_pending`…), or null. */
  errorClass: string | null;
  /** The message, without the class. */
  message: string;
  /** A ZenML validation error (422): one `body.name: field required` per problem. */
  problems?: string[];
  /** True when the body was JSON. */
  json: boolean;
  /** The parsed body, when it was JSON. */
  value?: unknown;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function stripOneQuotePair(s: string): string {
  if (s.length >= 2) {
    const first = s[0];
    if ((first === "'" || first === '"') && s[s.length - 1] === first) return s.slice(1, -1);
  }
  return s;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
}

const collapse = (s: string) => s.trim().replace(/\s*\n\s*/g, '; ');

/** Reduce an HTML page to a short hint of what it was. */
export function describeHtml(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1]?.trim();
  const what = title || h1;
  return what ? `an HTML page ("${what.slice(0, 80)}")` : 'an HTML page';
}

export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (contentType && /text\/html/i.test(contentType)) return true;
  return /^\s*<(!doctype|html|head|body)/i.test(text);
}

export function parseErrorBody(status: number, text: string, contentType?: string): ParsedError {
  const parsed = tryJson(text);
  if (!parsed.ok) {
    if (looksLikeHtml(text, contentType)) {
      return { errorClass: null, message: `${describeHtml(text)}, not a ZenML API response`, json: false };
    }
    const snippet = collapse(text.slice(0, 300));
    return { errorClass: null, message: snippet === '' ? '(empty body)' : snippet, json: false };
  }
  const j = parsed.value;
  let cls: string | null = null;
  let args: string[] = [];
  if (isStringArray(j)) {
    [cls, ...args] = j as [string, ...string[]];
  } else if (j !== null && typeof j === 'object' && !Array.isArray(j)) {
    const o = j as Record<string, unknown>;
    const detail = o.detail;
    if (isStringArray(detail)) {
      [cls, ...args] = detail as [string, ...string[]];
    } else if (Array.isArray(detail) && detail.every((e) => e !== null && typeof e === 'object')) {
      args = [
        detail
          .map((e: Record<string, unknown>) => {
            const loc = Array.isArray(e.loc) ? e.loc.join('.') : '';
            return `${loc}: ${String(e.msg ?? '')}`;
          })
          .join('; '),
      ];
    } else if (typeof detail === 'string') {
      args = [detail];
    } else if (typeof o.error === 'string') {
      cls = o.error;
      args = [typeof o.error_description === 'string' ? o.error_description : ''];
    } else if (typeof o.message === 'string') {
      args = [o.message];
    } else {
      args = [collapse(text.slice(0, 300))];
    }
  } else {
    args = [collapse(text.slice(0, 300))];
  }
  const problems = cls === 'ValueError' && args.length === 1 ? validationProblems(args[0]!) : null;
  if (problems) return { errorClass: cls, message: problems.join('; '), problems, json: true, value: j };
  let message = args.filter((a) => a !== '').join(': ');
  if (cls === 'KeyError') message = stripOneQuotePair(message);
  message = collapse(message);
  return { errorClass: cls, message: message === '' && !cls ? `HTTP ${status}` : message, json: true, value: j };
}

/** Values the server echoes back (ZenML repeats a 3,000-character input in full) are cut to this. */
const VALUE_MAX = 80;

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** "Field required" (pydantic 2) reads as pydantic 1's "field required"; "UUID" stays. */
const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/**
 * The problems of a ZenML validation error, from each form its `ValueError` message takes:
 * pydantic 1 (0.5x) `2 validation errors for Request\nbody -> name\n  field required (type=…)`;
 * pydantic 2 model errors `… for Model\nloc\n  msg [type=…, input_value=…, input_type=…]`;
 * FastAPI's request errors, a Python repr of the error list (`[{'type': 'missing', 'loc':
 * ('body', 'name'), 'msg': 'Field required', 'input': …}]`, 0.85) or one dict a line after
 * `2 validation errors:`. Anything else returns null and is printed as before.
 */
export function validationProblems(text: string): string[] | null {
  const titled = /^\d+ validation errors? for \w+\n/.exec(text);
  if (titled) {
    const out: string[] = [];
    let loc: string | null = null;
    for (const line of text.slice(titled[0].length).split('\n')) {
      if (!line.startsWith(' ')) loc = line.split(' -> ').join('.');
      else if (loc !== null && !line.startsWith('    ')) {
        const m = /^(.*?) \[type=[^,\]]*(?:, input_value=(.*), input_type=\w+)?\]$/.exec(line.trim());
        const msg = m ? m[1]! : line.trim().replace(/ \(type=[^)]*\)$/, '');
        out.push(`${loc}: ${problem(msg, m?.[2])}`);
      }
    }
    return out.length ? out : null;
  }
  let list: unknown;
  try {
    if (text.startsWith('[{')) list = parsePythonLiteral(text);
    else if (/^\d+ validation errors?:\n {2}\{/.test(text)) list = text.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => parsePythonLiteral(l.trim()));
    else return null;
  } catch {
    return null;
  }
  if (!Array.isArray(list) || list.length === 0) return null;
  const out: string[] = [];
  for (const e of list) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return null;
    const { loc, msg, type, input } = e as Record<string, unknown>;
    if (typeof msg !== 'string') return null;
    const where = Array.isArray(loc) ? `${loc.join('.')}: ` : '';
    // "missing" echoes the whole body it looked in: not the value of anything.
    out.push(`${where}${problem(msg, type === 'missing' || input === undefined ? undefined : (JSON.stringify(input) ?? String(input)))}`);
  }
  return out;
}

function problem(msg: string, got: string | undefined): string {
  return `${cut(lowerFirst(msg), 200)}${got === undefined ? '' : ` (got ${cut(got, VALUE_MAX)})`}`;
}

/**
 * Python literals as `repr()` prints them (dicts, lists, tuples, strings, numbers, None, True,
 * False), for pydantic 2's error list; anything else throws. Tuples become arrays.
 */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`not a Python literal at ${i}`);
  };
  const str = (): string => {
    const q = text[i++];
    let out = '';
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\') {
        const c = text[++i];
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (c === 'x' || c === 'u' || c === 'U') {
          const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
          const cp = Number.parseInt(text.slice(i + 1, i + 1 + n), 16);
          if (!Number.isFinite(cp)) fail();
          out += String.fromCodePoint(cp);
          i += n + 1;
        } else {
          out += esc[c!] ?? `\\${c}`;
          i++;
        }
      } else out += text[i++];
    }
    if (text[i++] !== q) fail();
    return out;
  };
  const seq = (close: string): unknown[] => {
    const items: unknown[] = [];
    ws();
    while (text[i] !== close) {
      items.push(value());
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail();
      ws();
    }
    i++;
    return items;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (c === '[') return i++, seq(']');
    if (c === '(') return i++, seq(')');
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      while (text[i] !== '}') {
        const k = value();
        ws();
        if (text[i++] !== ':') fail();
        o[String(k)] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail();
        ws();
      }
      i++;
      return o;
    }
    if (c === '<') {
      // <Enum.MEMBER: 'value'>: kept as its text
      const end = text.indexOf('>', i);
      if (end < 0) fail();
      return text.slice(i, (i = end + 1));
    }
    const call = /^[A-Za-z_][\w.]*\(/.exec(text.slice(i, i + 80))?.[0];
    if (call) {
      // UUID('…'), ValueError('…'), datetime.datetime(…): kept as the call's text
      i += call.length;
      return `${call}${seq(')').map((x) => (typeof x === 'string' ? `'${x}'` : JSON.stringify(x))).join(', ')})`;
    }
    const word = /^(None|True|False|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 40))?.[0];
    if (!word) return fail();
    i += word.length;
    return word === 'None' ? null : word === 'True' ? true : word === 'False' ? false : Number(word);
  };
  const v = value();
  ws();
  if (i !== text.length) fail();
  return v;
}

/** `KeyError: No service account …` or the bare message; a validation error one line per problem. */
export function formatParsedError(p: ParsedError): string {
  if (p.problems) {
    if (p.problems.length === 1) return `invalid request: ${p.problems[0]}`;
    // The problems themselves go on lines of their own (CliError.details), printed by cli.ts.
    return `${p.problems.length} problems with the request:`;
  }
  if (p.errorClass && p.message) return `${p.errorClass}: ${p.message}`;
  return p.errorClass ?? p.message;
}
