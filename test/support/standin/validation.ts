// FastAPI / pydantic validation error texts: pydantic v1 wording for 0.58, the Python repr of
// pydantic v2's error list from 0.85 on (the version row's `errors.validationText`).
import type { VersionRow } from '../../../src/api/versions.js';
import { pyRepr, pyReprValue, tuple } from './util.js';

export type ValidationStyle = VersionRow['errors']['validationText'];

export type VKind =
  | 'missing'
  | 'uuid'
  | 'int'
  | 'bool'
  | 'max_length'
  | 'dict'
  | 'str'
  | 'enum'
  | 'jsondecode'
  | 'ge'
  | 'le'
  | 'value_error';

export interface VErr {
  loc: Array<string | number>;
  kind: VKind;
  input?: unknown;
  /** enum: permitted values; ge/le/max_length: the limit. */
  enumValues?: string[];
  enumClass?: string;
  limit?: number;
  /** jsondecode: Python's json error and its position; value_error: the validator's message. */
  msg?: string;
  pos?: number;
}

function v1(e: VErr): string {
  switch (e.kind) {
    case 'missing':
      return 'field required (type=value_error.missing)';
    case 'uuid':
      return 'value is not a valid uuid (type=type_error.uuid)';
    case 'int':
      return 'value is not a valid integer (type=type_error.integer)';
    case 'bool':
      return 'value could not be parsed to a boolean (type=type_error.bool)';
    case 'max_length':
      return `ensure this value has at most ${e.limit} characters (type=value_error.any_str.max_length; limit_value=${e.limit})`;
    case 'dict':
      return 'value is not a valid dict (type=type_error.dict)';
    case 'str':
      return 'str type expected (type=type_error.str)';
    case 'enum': {
      const vals = e.enumValues ?? [];
      const cls = e.enumClass ?? 'Enum';
      return `value is not a valid enumeration member; permitted: ${vals.map((v) => pyRepr(v)).join(', ')} (type=type_error.enum; enum_values=[${vals
        .map((v) => `<${cls}.${v.toUpperCase()}: ${pyRepr(v)}>`)
        .join(', ')}])`;
    }
    case 'jsondecode': {
      const msg = e.msg ?? 'Expecting value';
      const pos = e.pos ?? 0;
      return `${msg} (type=value_error.jsondecode; msg=${msg}; doc=${String(e.input ?? '')}; pos=${pos}; lineno=1; colno=${pos + 1})`;
    }
    case 'value_error':
      return `${e.msg ?? ''} (type=value_error)`;
    case 'ge':
      return `ensure this value is greater than or equal to ${e.limit} (type=value_error.number.not_ge; limit_value=${e.limit})`;
    case 'le':
      return `ensure this value is less than or equal to ${e.limit} (type=value_error.number.not_le; limit_value=${e.limit})`;
  }
}

/** pydantic-core's UUID parsing error detail (approximation). */
export function uuidErrorDetail(s: string): string {
  const idx = [...s].findIndex((c) => !/[0-9a-fA-F-]/.test(c));
  if (idx >= 0) {
    return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${[...s][idx]}\` at ${idx + 1}`;
  }
  const hex = s.replace(/-/g, '');
  return `invalid length: expected length 32 for simple format, found ${hex.length}`;
}

function v2dict(e: VErr): Record<string, unknown> {
  const loc = tuple(...e.loc);
  switch (e.kind) {
    case 'missing':
      return { type: 'missing', loc, msg: 'Field required', input: e.input ?? null };
    case 'uuid': {
      const d = uuidErrorDetail(String(e.input));
      return { type: 'uuid_parsing', loc, msg: `Input should be a valid UUID, ${d}`, input: e.input, ctx: { error: d } };
    }
    case 'int':
      return { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: e.input };
    case 'bool':
      return { type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: e.input };
    case 'max_length':
      return { type: 'string_too_long', loc, msg: `String should have at most ${e.limit} characters`, input: e.input, ctx: { max_length: e.limit } };
    case 'dict':
      return { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input: e.input };
    case 'str':
      return { type: 'string_type', loc, msg: 'Input should be a valid string', input: e.input };
    case 'enum': {
      const vals = (e.enumValues ?? []).map((v) => pyRepr(v));
      const expected = vals.length > 1 ? `${vals.slice(0, -1).join(', ')} or ${vals[vals.length - 1]}` : (vals[0] ?? '');
      return { type: 'enum', loc, msg: `Input should be ${expected}`, input: e.input, ctx: { expected } };
    }
    case 'jsondecode':
      return { type: 'json_invalid', loc, msg: 'JSON decode error', input: {}, ctx: { error: e.msg ?? 'Expecting value' } };
    case 'value_error':
      return { type: 'value_error', loc, msg: `Value error, ${e.msg ?? ''}`, input: e.input, ctx: { error: {} } };
    case 'ge':
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${e.limit}`, input: e.input, ctx: { ge: e.limit } };
    case 'le':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${e.limit}`, input: e.input, ctx: { le: e.limit } };
  }
}

/** Text of a RequestValidationError (FastAPI request parsing: body/query/path). */
export function requestValidationText(style: ValidationStyle, errs: VErr[]): string {
  const n = errs.length;
  if (style === 'pydantic-v1') {
    return `${n} validation error${n === 1 ? '' : 's'} for Request\n${errs
      .map((e) => `${e.loc.join(' -> ')}\n  ${v1(e)}`)
      .join('\n')}`;
  }
  return pyReprValue(errs.map(v2dict));
}

/** Text of a pydantic ValidationError raised while building a model (e.g. a list filter), pydantic v2. */
export function modelValidationText(model: string, errs: VErr[]): string {
  const n = errs.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} for ${model}`;
  return `${head}\n${errs
    .map((e) => {
      const d = v2dict(e);
      const input = e.input;
      const inputType = typeof input === 'number' ? (Number.isInteger(input) ? 'int' : 'float') : typeof input === 'string' ? 'str' : 'dict';
      return `${e.loc.join('.')}\n  ${String(d.msg)} [type=${String(d.type)}, input_value=${pyReprValue(input)}, input_type=${inputType}]\n    For further information visit https://errors.pydantic.dev/2.11/v/${String(d.type)}`;
    })
    .join('\n')}`;
}

/** pydantic v1's `errors()` list of a model error, as FastAPI sends it (`{"detail": [...]}`), loc under `query`. */
export function modelErrorList(errs: VErr[]): Array<{ loc: Array<string | number>; msg: string; type: string }> {
  return errs.map((e) => {
    const text = v1(e);
    const m = / \(type=([^;)]+)[^)]*\)$/.exec(text);
    return { loc: ['query', ...e.loc], msg: m ? text.slice(0, m.index) : text, type: m?.[1] ?? 'value_error' };
  });
}

/** Python's json.loads error for a body that JSON.parse refused: message and character position. */
export function pyJsonError(text: string): { msg: string; pos: number } {
  const start = text.length - text.trimStart().length;
  if (start === text.length) return { msg: 'Expecting value', pos: start };
  if (text[start] === '{') {
    const rest = text.slice(start + 1);
    const next = start + 1 + (rest.length - rest.trimStart().length);
    if (text[next] !== '"' && text[next] !== '}') return { msg: 'Expecting property name enclosed in double quotes', pos: next };
  }
  return { msg: 'Expecting value', pos: start };
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** pydantic's lax bool parsing; undefined when not a bool. */
export function parseBool(v: unknown): boolean | undefined {
  if (v === true || v === false) return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return undefined;
}

/** pydantic's lax int parsing; undefined when not an int. */
export function parseInt10(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return undefined;
}
