/**
 * The server's OpenAPI document, digested: a compact index of its operations (method, path,
 * summary, tags, parameters, request-body fields, response fields) with `$ref`s resolved, so that
 * `endpoints`, `call`'s hints and shell completion never re-parse the 1 MB document.
 *
 * Pure: no I/O. `parseDocument` checks what the server sent; `buildIndex` digests it.
 */
import { NetworkError } from '../errors.js';

/** The largest document accepted (0.58 serves about 1 MB). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Bumped whenever the digest's shape changes: older cache files are then ignored. */
export const INDEX_FORMAT = 1;

export const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] as const;

export interface Field {
  name: string;
  /** A short type label: `string`, `string(uuid) | string`, `ServiceAccountResponseBody`, `string[]`… */
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

export interface Param extends Field {
  in: 'path' | 'query' | 'header' | 'cookie';
}

export interface RequestBodyInfo {
  contentType: string;
  required: boolean;
  /** The schema's label (its component name when it has one). */
  type: string;
  fields: Field[];
}

export interface ResponseInfo {
  status: string;
  contentType?: string;
  type: string;
  /** Top-level fields of the response (of its items when it is an array). */
  fields: Field[];
}

/** What listing, `call`'s hints and completion need of an operation: the light cache file. */
export interface OperationSummary {
  method: string;
  path: string;
  summary: string;
  /** The first tag ('' when untagged). */
  tag: string;
  tags: string[];
  operationId: string;
  deprecated?: boolean;
  /** Names of the query parameters it takes. */
  query: string[];
}

/** Everything `endpoints describe` shows. */
export interface Operation extends OperationSummary {
  /** First paragraph of the description, if any. */
  description?: string;
  /** Whether the document says the operation needs credentials. */
  auth: boolean;
  params: Param[];
  body?: RequestBodyInfo;
  response?: ResponseInfo;
}

/** A digested document: operations in full (`Operation`) or summarised (the default). */
export interface ApiIndex<O extends OperationSummary = OperationSummary> {
  format: typeof INDEX_FORMAT;
  /** The server URL the document came from (a profile's `server`). */
  server: string;
  /** `version` from /api/v1/info: the cache key. */
  serverVersion: string;
  /** `openapi` of the document ("3.0.2"). */
  openapi: string;
  title: string;
  /** `info.version` of the document. */
  docVersion: string;
  fetchedAt: string;
  operations: O[];
}

/** The light form of a full index (what most commands read). */
export function summarize(index: ApiIndex<Operation>): ApiIndex {
  return {
    ...index,
    operations: index.operations.map((o) => {
      const s: OperationSummary = { method: o.method, path: o.path, summary: o.summary, tag: o.tag, tags: o.tags, operationId: o.operationId, query: o.query };
      if (o.deprecated) s.deprecated = true;
      return s;
    }),
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks the bytes a server sent for /openapi.json: size, JSON, OpenAPI 3, `paths`. Throws a
 * NetworkError (exit 1) with one line that names the URL and what is wrong.
 */
export function parseDocument(body: string | Uint8Array, url: string): JsonObject {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const bad = (why: string) => new NetworkError(`the API document at ${url} ${why}`);
  if (size > MAX_DOCUMENT_BYTES) {
    throw bad(`is too large (${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB)`);
  }
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad(/^\s*</.test(text) ? 'is an HTML page, not JSON' : text.trim() === '' ? 'is empty' : 'is not JSON');
  }
  if (!isObject(doc)) throw bad('is not an OpenAPI document (not a JSON object)');
  const version = doc.openapi;
  if (typeof version !== 'string' || !/^3\.\d+/.test(version)) {
    if (doc.swagger !== undefined) throw bad(`is Swagger ${String(doc.swagger).slice(0, 10)}, not OpenAPI 3`);
    throw bad(version === undefined ? 'is not an OpenAPI 3 document (no "openapi" field)' : `is not an OpenAPI 3 document ("openapi": ${JSON.stringify(version).slice(0, 20)})`);
  }
  if (!isObject(doc.paths)) throw bad(doc.paths === undefined ? 'has no "paths"' : 'has a "paths" that is not an object');
  return doc;
}

/** Resolves `$ref` chains inside one document (local JSON pointers only). */
export class Resolver {
  private readonly doc: JsonObject;
  constructor(doc: JsonObject) {
    this.doc = doc;
  }

  /** The value a local `#/...` pointer names; undefined for remote or broken refs. */
  pointer(ref: string): Json | undefined {
    if (!ref.startsWith('#')) return undefined;
    if (ref === '#' || ref === '#/') return this.doc;
    if (!ref.startsWith('#/')) return undefined;
    let cur: Json | undefined = this.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (isObject(cur) && Object.hasOwn(cur, key)) cur = cur[key];
      else if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
      else return undefined;
    }
    return cur;
  }

  /** Follows `$ref`s until a schema without one (at most 16 hops; a cycle gives undefined). */
  deref(value: Json | undefined): JsonObject | undefined {
    let cur = value;
    for (let hops = 0; hops < 16; hops++) {
      if (!isObject(cur)) return undefined;
      const ref = str(cur.$ref);
      if (ref === undefined) return cur;
      cur = this.pointer(ref);
    }
    return undefined;
  }
}

/** `#/components/schemas/ServiceAccountRequest` → `ServiceAccountRequest`. */
export function refName(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return decodeURIComponent(last).replace(/~1/g, '/').replace(/~0/g, '~');
}

const MAX_DEPTH = 8;
const MAX_LABEL = 120;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function enumLabel(values: Json[]): string {
  return clip(values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('|'), 80);
}

/** A short, readable type for a schema, resolving `$ref`s and simple allOf/anyOf/oneOf. */
export function typeLabel(schema: Json | undefined, r: Resolver, depth = 0): string {
  if (!isObject(schema) || depth > MAX_DEPTH) return 'any';
  const ref = str(schema.$ref);
  if (ref !== undefined) {
    const target = r.deref(schema);
    const name = refName(ref);
    if (!target) return name;
    if (Array.isArray(target.enum)) return `${name}(${enumLabel(target.enum)})`;
    // A named primitive or array: show what it is; a named object: its name says more.
    if (!isObject(target.properties) && !target.allOf && !target.anyOf && !target.oneOf && target.type !== undefined && target.type !== 'object') {
      return typeLabel(target, r, depth + 1);
    }
    return name;
  }
  let label: string;
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : undefined;
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (allOf && allOf.length > 0) {
    label = allOf.length === 1 ? typeLabel(allOf[0], r, depth + 1) : [...new Set(allOf.map((s) => typeLabel(s, r, depth + 1)))].join(' & ');
  } else if (anyOf && anyOf.length > 0) {
    label = [...new Set(anyOf.map((s) => typeLabel(s, r, depth + 1)))].join(' | ');
  } else if (Array.isArray(schema.enum)) {
    label = `enum(${enumLabel(schema.enum)})`;
  } else {
    const type = Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : str(schema.type);
    if (Array.isArray(type)) label = type.join(' | ');
    else if (type === 'array') {
      const item = typeLabel(schema.items, r, depth + 1);
      label = /[ |&]/.test(item) ? `(${item})[]` : `${item}[]`;
    } else if (type === 'object' || (type === undefined && isObject(schema.properties))) {
      const extra = schema.additionalProperties;
      label = isObject(extra) && !isObject(schema.properties) ? `map[string]${typeLabel(extra, r, depth + 1)}` : 'object';
    } else if (type !== undefined) {
      const format = str(schema.format);
      label = format ? `${type}(${format})` : type;
    } else label = 'any';
  }
  if (schema.nullable === true && !/\bnull\b/.test(label)) label = `${label} | null`;
  return clip(label, MAX_LABEL);
}

/** Pydantic's automatic titles ("Permission Denied" for permission_denied) say nothing: skip them. */
function describeField(name: string, schema: JsonObject | undefined): string | undefined {
  if (!schema) return undefined;
  const desc = str(schema.description);
  const title = str(schema.title);
  const auto = (t: string) => t.toLowerCase().replace(/[\s-]+/g, '_') === name.toLowerCase();
  const text = desc ?? (title && !auto(title) ? title : undefined);
  if (!text) return undefined;
  return clip(text.replace(/\s+/g, ' ').trim(), 200);
}

function defaultOf(schema: JsonObject | undefined, r: Resolver): unknown {
  if (!schema) return undefined;
  if (schema.default !== undefined) return schema.default;
  const target = str(schema.$ref) ? r.deref(schema) : undefined;
  return target?.default;
}

interface ObjectShape {
  properties: Array<[string, JsonObject]>;
  required: Set<string>;
}

/** The properties and required names of a schema, merging allOf and taking a lone anyOf branch. */
function objectShape(schema: Json | undefined, r: Resolver, depth = 0): ObjectShape | undefined {
  const s = r.deref(schema);
  if (!s || depth > MAX_DEPTH) return undefined;
  const allOf = Array.isArray(s.allOf) ? s.allOf : [];
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : [];
  const shape: ObjectShape = { properties: [], required: new Set() };
  let found = false;
  const add = (part: ObjectShape | undefined) => {
    if (!part) return;
    found = true;
    for (const [k, v] of part.properties) {
      const i = shape.properties.findIndex(([n]) => n === k);
      if (i >= 0) shape.properties[i] = [k, v];
      else shape.properties.push([k, v]);
    }
    for (const n of part.required) shape.required.add(n);
  };
  for (const part of allOf) add(objectShape(part, r, depth + 1));
  const objects = branches.map((b) => objectShape(b, r, depth + 1)).filter((x): x is ObjectShape => x !== undefined);
  if (objects.length === 1) add(objects[0]);
  if (isObject(s.properties)) {
    found = true;
    add({
      properties: Object.entries(s.properties).map(([k, v]) => [k, isObject(v) ? v : {}] as [string, JsonObject]),
      required: new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []),
    });
  }
  return found ? shape : undefined;
}

/** The top-level fields of a schema (of its items, for an array), `$ref`s resolved. */
export function schemaFields(schema: Json | undefined, r: Resolver): Field[] {
  let s = r.deref(schema);
  if (s && s.type === 'array') s = r.deref(s.items);
  const shape = objectShape(s, r);
  if (!shape) return [];
  return shape.properties.map(([name, prop]) => {
    const f: Field = { name, type: typeLabel(prop, r), required: shape.required.has(name) };
    const d = defaultOf(prop, r);
    if (d !== undefined) f.default = d;
    const description = describeField(name, prop) ?? describeField(name, r.deref(prop));
    if (description) f.description = description;
    return f;
  });
}

const PARAM_PLACES = new Set(['path', 'query', 'header', 'cookie']);

function params(pathItem: JsonObject, op: JsonObject, r: Resolver): Param[] {
  const byKey = new Map<string, Param>();
  for (const list of [pathItem.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = r.deref(raw);
      const name = str(p?.name);
      const place = str(p?.in);
      if (!p || !name || !place || !PARAM_PLACES.has(place)) continue;
      const schema = isObject(p.schema) ? p.schema : undefined;
      const param: Param = { name, in: place as Param['in'], type: typeLabel(schema, r), required: p.required === true || place === 'path' };
      const d = defaultOf(schema, r);
      if (d !== undefined) param.default = d;
      const description = str(p.description) ? clip(str(p.description)!.replace(/\s+/g, ' ').trim(), 200) : describeField(name, schema);
      if (description) param.description = description;
      byKey.set(`${place}:${name}`, param); // the operation's own entry overrides the path item's
    }
  }
  return [...byKey.values()];
}

function pickContent(content: Json | undefined): [string, JsonObject] | undefined {
  if (!isObject(content)) return undefined;
  const entries = Object.entries(content).filter((e): e is [string, JsonObject] => isObject(e[1]));
  return entries.find(([ct]) => /\bjson\b/i.test(ct)) ?? entries[0];
}

function requestBody(op: JsonObject, r: Resolver): RequestBodyInfo | undefined {
  const body = r.deref(op.requestBody);
  if (!body) return undefined;
  const picked = pickContent(body.content);
  if (!picked) return undefined;
  const [contentType, media] = picked;
  return { contentType, required: body.required === true, type: typeLabel(media.schema, r), fields: schemaFields(media.schema, r) };
}

function response(op: JsonObject, r: Resolver): ResponseInfo | undefined {
  if (!isObject(op.responses)) return undefined;
  const codes = Object.keys(op.responses).filter((c) => /^2(\d\d|XX)$/i.test(c)).sort();
  for (const status of codes) {
    const res = r.deref(op.responses[status]);
    if (!res) continue;
    const picked = pickContent(res.content);
    if (!picked) return { status, type: '', fields: [] };
    const [contentType, media] = picked;
    return { status, contentType, type: typeLabel(media.schema, r), fields: schemaFields(media.schema, r) };
  }
  return undefined;
}

function firstParagraph(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const p = text.trim().split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ').trim();
  return p ? clip(p, 300) : undefined;
}

function needsAuth(op: JsonObject, doc: JsonObject): boolean {
  const sec = op.security ?? doc.security;
  // `security: []` or `[{}]` means anonymous access is allowed.
  return Array.isArray(sec) && sec.length > 0 && sec.every((req) => isObject(req) && Object.keys(req).length > 0);
}

export function methodRank(m: string): number {
  const i = (METHOD_ORDER as readonly string[]).indexOf(m);
  return i < 0 ? METHOD_ORDER.length : i;
}

/** Digests a checked document (see parseDocument). Operations are sorted by path, then method. */
export function buildIndex(doc: JsonObject, meta: { server: string; serverVersion: string; fetchedAt: string }): ApiIndex<Operation> {
  const r = new Resolver(doc);
  const operations: Operation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = r.deref(rawItem);
    if (!item) continue;
    for (const [key, rawOp] of Object.entries(item)) {
      const method = key.toUpperCase();
      if (!(METHOD_ORDER as readonly string[]).includes(method) || !isObject(rawOp)) continue;
      const tags = Array.isArray(rawOp.tags) ? rawOp.tags.filter((t): t is string => typeof t === 'string') : [];
      const ps = params(item, rawOp, r);
      const op: Operation = {
        method,
        path,
        summary: clip((str(rawOp.summary) ?? '').replace(/\s+/g, ' ').trim(), 200),
        tag: tags[0] ?? '',
        tags,
        operationId: str(rawOp.operationId) ?? '',
        query: ps.filter((p) => p.in === 'query').map((p) => p.name),
        auth: needsAuth(rawOp, doc),
        params: ps,
      };
      const description = firstParagraph(str(rawOp.description));
      if (description && description !== op.summary) op.description = description;
      if (rawOp.deprecated === true) op.deprecated = true;
      const body = requestBody(rawOp, r);
      if (body) op.body = body;
      const res = response(rawOp, r);
      if (res) op.response = res;
      operations.push(op);
    }
  }
  operations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : methodRank(a.method) - methodRank(b.method)));
  const info = isObject(doc.info) ? doc.info : {};
  return {
    format: INDEX_FORMAT,
    server: meta.server,
    serverVersion: meta.serverVersion,
    openapi: str(doc.openapi) ?? '',
    title: str(info.title) ?? '',
    docVersion: str(info.version) ?? '',
    fetchedAt: meta.fetchedAt,
    operations,
  };
}

/** A cache file's content, checked just enough to be used safely. */
export function isApiIndex(v: unknown): v is ApiIndex {
  return (
    isObject(v) &&
    v.format === INDEX_FORMAT &&
    typeof v.server === 'string' &&
    typeof v.serverVersion === 'string' &&
    Array.isArray(v.operations) &&
    v.operations.every(
      (o) =>
        isObject(o) &&
        typeof o.method === 'string' &&
        typeof o.path === 'string' &&
        typeof o.summary === 'string' &&
        Array.isArray(o.tags) &&
        Array.isArray(o.query),
    )
  );
}

/** A full cache file: every operation carries its parameters. */
export function isFullIndex(v: unknown): v is ApiIndex<Operation> {
  return isApiIndex(v) && v.operations.every((o) => isObject(o) && Array.isArray((o as unknown as JsonObject).params));
}
