// Paginated list endpoints: the Page envelope, page/size/sort_by/hydrate and
// `<op>:<value>` filters (docs §3.6).
import { jsonResponse, type StandinResponse } from './core.js';
import type { VersionRow } from '../../../src/api/versions.js';
import { parseUuid, parseTimestamp } from './util.js';
import { modelErrorList, modelValidationText, parseBool, parseInt10, requestValidationText, type VErr } from './validation.js';

export type FieldType = 'str' | 'uuid' | 'bool' | 'datetime' | 'int';

export interface ListSpec<T> {
  /** Filter model name used in validation texts, e.g. `ServiceAccountFilter`. */
  model: string;
  fields: Record<string, FieldType>;
  /** Raw value of a field: string, number (datetime: micros), boolean or null. */
  get(item: T, field: string): unknown;
}

const RESERVED = new Set(['page', 'size', 'sort_by', 'logical_operator', 'hydrate']);
const OPS = new Set(['equals', 'notequals', 'contains', 'startswith', 'endswith', 'oneof', 'gte', 'gt', 'lte', 'lt', 'in']);
export const PAGE_SIZE_MAX = 10000;

interface Filter {
  field: string;
  type: FieldType;
  op: string;
  value: string;
  list: unknown[] | null;
}

export interface ParsedList {
  page: number;
  size: number;
  sortField: string;
  sortDesc: boolean;
  logical: 'and' | 'or';
  filters: Filter[];
  hydrate: boolean;
}

export type ListParse =
  | { ok: true; list: ParsedList; postAuthError: StandinResponse | null }
  | { ok: false; resp: StandinResponse };

const valueError = (status: number, msg: string): StandinResponse => jsonResponse(status, { detail: ['ValueError', msg] });

/** A filter model's own validator failed: FastAPI's error list on 0.58, ZenML's `["ValueError", str(error)]` later. */
function modelError(row: VersionRow, model: string, errs: VErr[]): StandinResponse {
  if (row.errors.validationText === 'pydantic-v1') return jsonResponse(422, { detail: modelErrorList(errs) });
  return valueError(422, modelValidationText(model, errs));
}

/**
 * Parses the list query. The filter model's validators (sort_by, datetime and list filter
 * values) run while FastAPI resolves dependencies, before `authorize`: their errors come first.
 * Query parameters of the wrong type or out of bounds (page, size, hydrate, logical_operator)
 * are collected by FastAPI and reported only after authentication, as `postAuthError`.
 */
export function parseListQuery<T>(row: VersionRow, q: URLSearchParams, spec: ListSpec<T>): ListParse {
  const queryErrs: VErr[] = [];
  let page = 1;
  let size = 20;
  const rawPage = q.get('page');
  if (rawPage !== null) {
    const n = parseInt10(rawPage);
    if (n === undefined) queryErrs.push({ loc: ['query', 'page'], kind: 'int', input: rawPage });
    else if (n < 1) queryErrs.push({ loc: ['query', 'page'], kind: 'ge', limit: 1, input: rawPage });
    else page = n;
  }
  const rawSize = q.get('size');
  if (rawSize !== null) {
    const n = parseInt10(rawSize);
    if (n === undefined) queryErrs.push({ loc: ['query', 'size'], kind: 'int', input: rawSize });
    else if (n < 1) queryErrs.push({ loc: ['query', 'size'], kind: 'ge', limit: 1, input: rawSize });
    else if (n > PAGE_SIZE_MAX) queryErrs.push({ loc: ['query', 'size'], kind: 'le', limit: PAGE_SIZE_MAX, input: rawSize });
    else size = n;
  }
  const logicalRaw = q.get('logical_operator') ?? 'and';
  if (logicalRaw !== 'and' && logicalRaw !== 'or') {
    queryErrs.push({ loc: ['query', 'logical_operator'], kind: 'enum', input: logicalRaw, enumValues: ['and', 'or'], enumClass: 'LogicalOperators' });
  }
  let hydrate = false;
  const rawHydrate = q.get('hydrate');
  if (rawHydrate !== null) {
    const b = parseBool(rawHydrate);
    if (b === undefined) queryErrs.push({ loc: ['query', 'hydrate'], kind: 'bool', input: rawHydrate });
    else hydrate = b;
  }

  let sortField = 'created';
  let sortDesc = false;
  const rawSort = q.get('sort_by');
  if (rawSort !== null) {
    let f = rawSort;
    if (f.startsWith('asc:')) f = f.slice(4);
    else if (f.startsWith('desc:')) {
      f = f.slice(5);
      sortDesc = true;
    }
    if (!(f in spec.fields)) {
      return {
        ok: false,
        resp: modelError(row, spec.model, [{ loc: ['sort_by'], kind: 'value_error', input: rawSort, msg: 'You can only sort by valid fields of this resource' }]),
      };
    }
    sortField = f;
  }

  const filters: Filter[] = [];
  for (const [name, raw] of q) {
    if (RESERVED.has(name)) continue;
    const type = spec.fields[name];
    if (!type) continue; // unknown query params are ignored
    let op = 'equals';
    let value = raw;
    const i = raw.indexOf(':');
    if (i > 0 && OPS.has(raw.slice(0, i))) {
      op = raw.slice(0, i);
      value = raw.slice(i + 1);
    }
    let list: unknown[] | null = null;
    if (op === 'oneof' || op === 'in') {
      try {
        const v = JSON.parse(value) as unknown;
        if (!Array.isArray(v)) throw new Error('not a list');
        list = v;
      } catch {
        const msg = `Invalid value for the '${op}' filter on '${name}': the value must be a JSON list, e.g. ["a", "b"].`;
        return { ok: false, resp: modelError(row, spec.model, [{ loc: [name], kind: 'value_error', input: raw, msg }]) };
      }
    }
    if (type === 'datetime' && list === null && parseTimestamp(value) === null) {
      const msg = 'The datetime filter only works with values in the following format: %Y-%m-%d %H:%M:%S';
      return { ok: false, resp: modelError(row, spec.model, [{ loc: [name], kind: 'value_error', input: raw, msg }]) };
    }
    // A bool filter whose value is not a bool is dropped (the real servers list everything).
    if (type === 'bool' && list === null && parseBool(value) === undefined) continue;
    filters.push({ field: name, type, op, value, list });
  }
  const postAuthError = queryErrs.length > 0 ? jsonResponse(422, ['ValueError', requestValidationText(row.errors.validationText, queryErrs)]) : null;
  return {
    ok: true,
    list: { page, size, sortField, sortDesc, logical: logicalRaw === 'or' ? 'or' : 'and', filters, hydrate },
    postAuthError,
  };
}

function normUuid(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  return v.replace(/-/g, '').toLowerCase();
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function matchOne(actual: unknown, f: Filter): boolean {
  if (f.type === 'uuid') {
    const a = normUuid(actual);
    if (f.list) return a !== null && f.list.some((x) => normUuid(x) === a);
    const v = normUuid(f.value) ?? '';
    if (a === null) return f.op === 'notequals';
    switch (f.op) {
      case 'equals':
        return a === (normUuid(parseUuid(f.value) ?? f.value) ?? v);
      case 'notequals':
        return a !== v;
      case 'contains':
        return a.includes(v);
      case 'startswith':
        return a.startsWith(v);
      case 'endswith':
        return a.endsWith(v);
      default:
        return compareOp(compare(a, v), f.op);
    }
  }
  if (f.type === 'bool') {
    const want = parseBool(f.value);
    if (f.list) return f.list.some((x) => parseBool(x) === actual);
    if (want === undefined) return false;
    return f.op === 'notequals' ? actual !== want : actual === want;
  }
  if (f.type === 'datetime') {
    if (f.list) return f.list.some((x) => typeof x === 'string' && parseTimestamp(x) === actual);
    const want = parseTimestamp(f.value);
    if (typeof actual !== 'number' || want === null) return f.op === 'notequals';
    if (f.op === 'equals') return actual === want;
    if (f.op === 'notequals') return actual !== want;
    return compareOp(actual - want, f.op);
  }
  if (f.type === 'int') {
    if (f.list) return f.list.some((x) => Number(x) === actual);
    const want = Number(f.value);
    if (typeof actual !== 'number') return f.op === 'notequals';
    if (f.op === 'equals') return actual === want;
    if (f.op === 'notequals') return actual !== want;
    return compareOp(actual - want, f.op);
  }
  // str
  if (f.list) return f.list.some((x) => x === actual);
  if (actual === null || actual === undefined) return f.op === 'notequals';
  const a = String(actual);
  const al = a.toLowerCase();
  const vl = f.value.toLowerCase();
  switch (f.op) {
    case 'equals':
      return a === f.value;
    case 'notequals':
      return a !== f.value;
    case 'contains':
      return al.includes(vl);
    case 'startswith':
      return al.startsWith(vl);
    case 'endswith':
      return al.endsWith(vl);
    default:
      return compareOp(compare(a, f.value), f.op);
  }
}

function compareOp(c: number, op: string): boolean {
  switch (op) {
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    default:
      return false;
  }
}

/** Filters, sorts and pages `items`; 400 ValueError when `page` is past the end. */
export function pageResponse<T>(items: T[], spec: ListSpec<T>, list: ParsedList, render: (item: T, hydrate: boolean) => unknown): StandinResponse {
  let rows = items.filter((it) => {
    if (list.filters.length === 0) return true;
    const res = list.filters.map((f) => matchOne(spec.get(it, f.field), f));
    return list.logical === 'or' ? res.some(Boolean) : res.every(Boolean);
  });
  rows = rows
    .map((it, i) => ({ it, i }))
    .sort((x, y) => {
      const c = compare(spec.get(x.it, list.sortField), spec.get(y.it, list.sortField));
      return (list.sortDesc ? -c : c) || x.i - y.i;
    })
    .map((x) => x.it);
  const total = rows.length;
  const totalPages = Math.max(1, Math.ceil(total / list.size));
  if (list.page > totalPages) {
    return valueError(
      400,
      `Invalid page ${list.page}. The requested page size is ${list.size} and there are a total of ${total} items for this query. The maximum page value therefore is ${totalPages}.`,
    );
  }
  const slice = rows.slice((list.page - 1) * list.size, list.page * list.size);
  return jsonResponse(200, {
    index: list.page,
    max_size: list.size,
    total_pages: totalPages,
    total,
    items: slice.map((it) => render(it, list.hydrate)),
  });
}
