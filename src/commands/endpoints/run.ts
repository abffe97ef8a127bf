import { UsageError } from '../../errors.js';
import { loadIndex } from '../../discovery/load.js';
import {
  absolutePath,
  filterOperations,
  findOperation,
  formatSuggestions,
  nearestName,
  operationsOnPath,
  suggestPaths,
} from '../../discovery/match.js';
import { METHOD_ORDER, type ApiIndex, type Field, type Operation, type Param } from '../../discovery/openapi.js';
import { printJson } from '../../output/json.js';
import { terminalSafe } from '../../output/sanitize.js';
import { printTable } from '../../output/table.js';
import type { Ctx } from '../context.js';
import type { DescribeArgs, DescribeOptions, EndpointsArgs, EndpointsOptions } from './spec.js';

type ListOptions = EndpointsOptions;

export function checkMethod(raw: string, what = '--method'): string {
  const m = raw.toUpperCase();
  if (!(METHOD_ORDER as readonly string[]).includes(m)) {
    throw new UsageError(`unknown HTTP method ${JSON.stringify(raw.slice(0, 20))} for ${what}; use one of ${METHOD_ORDER.slice(0, 5).join(', ')}`);
  }
  return m;
}

function checkTag(index: ApiIndex, tag: string): void {
  const tags = new Set(index.operations.flatMap((o) => o.tags));
  if ([...tags].some((t) => t.toLowerCase() === tag.toLowerCase())) return;
  const near = nearestName(tag, tags);
  const sorted = [...tags].sort();
  const known = sorted.length > 12 ? `${sorted.slice(0, 12).join(', ')}, …` : sorted.join(', ');
  throw new UsageError(`unknown tag ${JSON.stringify(tag.slice(0, 60))}${near ? ` (did you mean ${near}?)` : `; tags: ${known || '(none)'}`}`);
}

/** `endpoints [PATTERN]` */
export async function list({ pattern }: EndpointsArgs, opts: ListOptions, ctx: Ctx): Promise<void> {
  const method = opts.method !== undefined ? checkMethod(opts.method) : undefined;
  const { index } = await loadIndex(ctx, opts);
  if (opts.tag !== undefined) checkTag(index, opts.tag);
  const ops = filterOperations(index.operations, { pattern, method, tag: opts.tag });
  if (opts.json) {
    printJson(
      ctx.io,
      ops.map((o) => ({ method: o.method, path: o.path, summary: o.summary, tag: o.tag, tags: o.tags, operationId: o.operationId })),
    );
    return;
  }
  if (ops.length === 0) {
    const what = [pattern !== undefined ? JSON.stringify(pattern) : '', method ? `--method ${method}` : '', opts.tag !== undefined ? `--tag ${opts.tag}` : '']
      .filter(Boolean)
      .join(' ');
    ctx.warn(`no operations match ${what} (${index.operations.length} in the document of ${index.server}, version ${index.serverVersion})`);
    return;
  }
  await printTable(
    ctx.io,
    ['METHOD', 'PATH', 'SUMMARY', 'TAG'],
    ops.map((o) => [o.method, o.path, o.summary, o.tag]),
  );
}

/** `endpoints describe METHOD PATH` */
export async function describe(args: DescribeArgs, opts: DescribeOptions, ctx: Ctx): Promise<void> {
  if (opts.tag !== undefined || opts.method !== undefined) throw new UsageError('describe takes METHOD and PATH as arguments, not --method or --tag');
  const method = checkMethod(args.method, 'METHOD');
  const rawPath = args.path;
  if (rawPath.trim() === '') throw new UsageError('PATH is empty');
  const { index } = await loadIndex(ctx, opts, 'full');
  const path = absolutePath(rawPath, index.server);
  const op = findOperation(index, method, path);
  if (!op) throw notFound(index, method, path);
  if (opts.json) {
    printJson(ctx.io, op);
    return;
  }
  ctx.io.out(renderOperation(op, ctx.io.color));
}

function notFound(index: ApiIndex, method: string, path: string): UsageError {
  const others = operationsOnPath(index, path);
  if (others.length) {
    return new UsageError(`${others[0]!.path} has no ${method} operation; it takes ${others.map((o) => o.method).join(', ')}`);
  }
  const near = suggestPaths(index, method, path);
  return new UsageError(
    `${method} ${path} is not in the server's API document${near.length ? ` (did you mean ${formatSuggestions(near)}?)` : ''}`,
    near.length ? undefined : { hint: 'List the paths with `zenml-api endpoints`.' },
  );
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? '');

/** Plain aligned columns: the same on a terminal and in a pipe (readable either way). */
function columns(head: string[], rows: string[][], bold: (s: string) => string): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [bold(line(head)), ...rows.map(line)].join('\n');
}

function fieldRows(fields: Array<Field | Param>): string[][] {
  return fields.map((f) => [f.name, f.type, f.required ? 'required' : '', show(f.default), f.description ?? ''].map((c) => terminalSafe(c)));
}

/** The human-readable `describe`. */
export function renderOperation(op: Operation, color = false): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  // Everything but the layout and the colour is the server's document: made safe for a terminal.
  const out: string[] = [bold(terminalSafe(`${op.method} ${op.path}`))];
  if (op.summary) out.push(`  ${terminalSafe(op.summary)}${op.deprecated ? ' (deprecated)' : ''}`);
  if (op.description) out.push(`  ${terminalSafe(op.description, { keepNewlines: true })}`);
  const facts = [op.tags.length ? `tags: ${op.tags.join(', ')}` : '', op.operationId ? `operationId: ${op.operationId}` : '', `auth: ${op.auth ? 'bearer token' : 'none'}`];
  out.push(`  ${terminalSafe(facts.filter(Boolean).join(' · '))}`);
  const head = ['NAME', 'TYPE', 'REQUIRED', 'DEFAULT', 'DESCRIPTION'];
  for (const place of ['path', 'query', 'header', 'cookie'] as const) {
    const ps = op.params.filter((p) => p.in === place);
    if (!ps.length) continue;
    out.push('', bold(`${place[0]!.toUpperCase()}${place.slice(1)} parameters:`), columns(head, fieldRows(ps), bold));
  }
  if (op.body) {
    const b = op.body;
    out.push('', bold(terminalSafe(`Request body (${b.contentType}${b.required ? ', required' : ''}): ${b.type}`)));
    if (b.fields.length) out.push(columns(['FIELD', ...head.slice(1)], fieldRows(b.fields), bold));
  }
  if (op.response) {
    const r = op.response;
    out.push('', bold(terminalSafe(`Response ${r.status}${r.contentType ? ` (${r.contentType})` : ''}: ${r.type || '(no body)'}`)));
    if (r.fields.length) out.push(columns(['FIELD', ...head.slice(1)], fieldRows(r.fields), bold));
  }
  return `${out.join('\n')}\n`;
}
