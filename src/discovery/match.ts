/**
 * Finding operations in a digested API document: filtering (`endpoints PATTERN`), matching a
 * concrete path against `{param}` templates, and the nearest documented paths for a mistyped one.
 * Pure: no I/O.
 */
import { methodRank, type ApiIndex, type OperationSummary } from './openapi.js';

export const API_PREFIX = '/api/v1/';

/**
 * A path as `call` takes it, made absolute: `service_accounts` → `/api/v1/service_accounts`;
 * `/health` stays; a URL on the server loses its origin and the server's own path prefix.
 */
export function absolutePath(path: string, server?: string): string {
  let p = path.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    try {
      const u = new URL(p);
      p = u.pathname;
      if (server) {
        const base = new URL(server).pathname.replace(/\/+$/, '');
        if (base && (p === base || p.startsWith(`${base}/`))) p = p.slice(base.length) || '/';
      }
    } catch {
      return p;
    }
  }
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  if (p.startsWith('/')) return p;
  return `${API_PREFIX}${p}`;
}

/** `/api/v1/service_accounts` → `service_accounts`; paths outside /api/v1 stay absolute. */
export function relativePath(path: string): string {
  return path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
}

const isParam = (seg: string) => /^\{[^{}]*\}$/.test(seg);

const templateCache = new Map<string, RegExp>();

function templateRegExp(template: string): RegExp {
  let re = templateCache.get(template);
  if (!re) {
    const body = template
      .split(/(\{[^{}]*\})/)
      .map((part) => (isParam(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`);
    templateCache.set(template, re);
  }
  return re;
}

/**
 * How well a concrete path (`/api/v1/service_accounts/ci-bot`) fits a template
 * (`/api/v1/service_accounts/{service_account_name_or_id}`): null when it does not, else the
 * number of literal characters matched (more is a better match). A `{…}` segment in the path
 * itself matches a `{…}` segment of the template, so templates can be looked up by themselves.
 */
export function matchTemplate(template: string, path: string): number | null {
  if (template === path) return template.length + 1;
  const re = templateRegExp(template);
  if (!re.test(path)) {
    // `{x}` typed by the user for `{y}` in the template: compare segment by segment.
    const t = template.split('/');
    const p = path.split('/');
    if (t.length !== p.length) return null;
    for (let i = 0; i < t.length; i++) {
      if (isParam(p[i]!) ? !isParam(t[i]!) : !templateRegExp(t[i]!).test(p[i]!)) return null;
    }
  }
  return template.replace(/\{[^{}]*\}/g, '').length;
}

/** The operation for a method and a concrete or templated path; the best-fitting template wins. */
export function findOperation<O extends OperationSummary>(index: ApiIndex<O>, method: string, path: string): O | undefined {
  const m = method.toUpperCase();
  let best: O | undefined;
  let bestScore = -1;
  for (const op of index.operations) {
    if (op.method !== m) continue;
    const score = matchTemplate(op.path, path);
    if (score !== null && score > bestScore) {
      best = op;
      bestScore = score;
    }
  }
  return best;
}

/** Every operation on the best-fitting documented path, whatever its method. */
export function operationsOnPath<O extends OperationSummary>(index: ApiIndex<O>, path: string): O[] {
  let bestPath: string | undefined;
  let bestScore = -1;
  for (const op of index.operations) {
    const score = matchTemplate(op.path, path);
    if (score !== null && score > bestScore) {
      bestPath = op.path;
      bestScore = score;
    }
  }
  return bestPath === undefined ? [] : index.operations.filter((o) => o.path === bestPath);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** `*` any run of characters (slashes included), `?` one character; whole string, any case. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

export interface Filter {
  pattern?: string | undefined;
  method?: string | undefined;
  tag?: string | undefined;
}

/**
 * Operations matching a case-insensitive substring of the path or summary, or a glob of the path
 * (absolute or relative to /api/v1) or summary; a concrete path also matches its template.
 */
export function filterOperations<O extends OperationSummary>(ops: readonly O[], f: Filter): O[] {
  const method = f.method?.toUpperCase();
  const tag = f.tag?.toLowerCase();
  const pattern = f.pattern?.trim() ?? '';
  let test: (op: OperationSummary) => boolean = () => true;
  if (pattern !== '') {
    if (isGlob(pattern)) {
      const re = globToRegExp(pattern);
      test = (op) => re.test(op.path) || re.test(relativePath(op.path)) || re.test(op.summary);
    } else {
      const needle = pattern.toLowerCase();
      const concrete = pattern.includes('/') ? absolutePath(pattern) : undefined;
      test = (op) =>
        op.path.toLowerCase().includes(needle) ||
        op.summary.toLowerCase().includes(needle) ||
        (concrete !== undefined && matchTemplate(op.path, concrete) !== null);
    }
  }
  return ops.filter((op) => (!method || op.method === method) && (!tag || op.tags.some((t) => t.toLowerCase() === tag)) && test(op));
}

/** Edit distance with adjacent transpositions (optimal string alignment): insert, delete, substitute, swap: 1 each. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest name within a typo's distance, for "did you mean …?" on names (query params, tags). */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : undefined;
}

/** 0 for equal segments, 1 for unrelated ones; a `{param}` segment takes any value almost free. */
function segmentCost(user: string, template: string): number {
  if (isParam(template)) return isParam(user) ? 0 : user === '' ? 1 : 0.05;
  if (user === template) return 0;
  if (user.toLowerCase() === template.toLowerCase()) return 0.05;
  if (/\{[^{}]*\}/.test(template) && templateRegExp(template).test(user)) return 0.05;
  return editDistance(user.toLowerCase(), template.toLowerCase()) / Math.max(user.length, template.length);
}

const segments = (path: string) => path.split('/').filter((s) => s !== '');

/** Aligns two segment lists (edit distance over segments); returns the cost and the rendering. */
function align(user: string[], template: string[]): { cost: number; rendered: string[] } {
  const n = user.length;
  const m = template.length;
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i <= n; i++) d[i]![0] = i;
  for (let j = 0; j <= m; j++) d[0]![j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + segmentCost(user[i - 1]!, template[j - 1]!));
    }
  }
  // Walk back: where a template parameter lines up with a user segment, show the user's value.
  const rendered: string[] = [];
  let i = n;
  let j = m;
  while (j > 0) {
    if (i > 0 && Math.abs(d[i]![j]! - (d[i - 1]![j - 1]! + segmentCost(user[i - 1]!, template[j - 1]!))) < 1e-9) {
      const t = template[j - 1]!;
      rendered.unshift(isParam(t) && !isParam(user[i - 1]!) && user[i - 1] !== '' ? user[i - 1]! : t);
      i--;
      j--;
    } else if (i > 0 && Math.abs(d[i]![j]! - (d[i - 1]![j]! + 1)) < 1e-9) i--;
    else {
      rendered.unshift(template[j - 1]!);
      j--;
    }
  }
  return { cost: d[n]![m]!, rendered };
}

export interface Suggestion {
  /** The documented path, with the caller's values in place of `{param}` segments where they line up. */
  path: string;
  /** The documented template. */
  template: string;
  /** Set when the path is documented for other methods only: the first of them. */
  method?: string;
  cost: number;
}

/** Above this, a documented path is not "near" (about one wrong segment in three). */
const MAX_COST = 0.6;
const WRONG_METHOD = 0.3;

/**
 * The documented paths nearest to a method and path that the document does not have (a typo,
 * a missing segment, a trailing slash, a path that takes other methods), best first.
 */
export function suggestPaths(index: ApiIndex, method: string, path: string, max = 3): Suggestion[] {
  const m = method.toUpperCase();
  const user = segments(path);
  const slash = path.length > 1 && path.endsWith('/');
  const byPath = new Map<string, string[]>();
  for (const op of index.operations) {
    const list = byPath.get(op.path);
    if (list) list.push(op.method);
    else byPath.set(op.path, [op.method]);
  }
  const found: Suggestion[] = [];
  for (const [template, methods] of byPath) {
    const t = segments(template);
    if (Math.abs(t.length - user.length) > 1) continue;
    const { cost: base, rendered } = align(user, t);
    let cost = base;
    const tSlash = template.length > 1 && template.endsWith('/');
    if (slash !== tSlash) cost += 0.1;
    const takes = methods.includes(m);
    if (!takes) cost += WRONG_METHOD;
    if (cost === 0 || cost > MAX_COST) continue;
    const s: Suggestion = { path: `/${rendered.join('/')}${tSlash ? '/' : ''}`, template, cost };
    if (!takes) s.method = [...methods].sort((a, b) => methodRank(a) - methodRank(b))[0]!;
    found.push(s);
  }
  found.sort((a, b) => a.cost - b.cost || (a.path < b.path ? -1 : 1));
  const best = found[0]?.cost ?? 0;
  return found.filter((s) => s.cost <= best + 0.2).slice(0, max);
}

/** "did you mean /api/v1/a, /api/v1/b or POST /api/v1/c?" (without the question). */
export function formatSuggestions(list: readonly Suggestion[]): string {
  const names = list.map((s) => (s.method ? `${s.method} ${s.path}` : s.path));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
