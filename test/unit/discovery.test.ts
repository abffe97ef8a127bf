/** The pure parts of API discovery: checking and digesting the document, matching, suggestions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  absolutePath,
  editDistance,
  filterOperations,
  findOperation,
  formatSuggestions,
  globToRegExp,
  matchTemplate,
  nearestName,
  operationsOnPath,
  relativePath,
  suggestPaths,
} from '../../src/discovery/match.js';
import { buildIndex, MAX_DOCUMENT_BYTES, parseDocument, Resolver, schemaFields, summarize, typeLabel, type ApiIndex, type Operation, type OperationSummary } from '../../src/discovery/openapi.js';
import { renderOperation } from '../../src/commands/endpoints/run.js';
import { NetworkError } from '../../src/errors.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/openapi/zenml-0.58.0.json');
const URL_ = 'http://zenml.test/openapi.json';
const META = { server: 'http://zenml.test', serverVersion: '0.58.0', fetchedAt: '2026-01-01T00:00:00.000Z' };

let text: string;
let index: ApiIndex<Operation>;
beforeAll(() => {
  text = readFileSync(FIXTURE, 'utf8');
  index = buildIndex(parseDocument(text, URL_), META);
});

const op = (method: string, path: string) => index.operations.find((o) => o.method === method && o.path === path)!;

/** A small document for the cases the fixture lacks. */
function miniIndex(paths: Record<string, string[]>): ApiIndex<Operation> {
  const doc: Record<string, unknown> = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
  for (const [p, methods] of Object.entries(paths)) {
    (doc.paths as Record<string, unknown>)[p] = Object.fromEntries(methods.map((m) => [m.toLowerCase(), { summary: `${m} ${p}`, tags: ['t'] }]));
  }
  return buildIndex(doc as never, META);
}

describe('parseDocument', () => {
  const reason = (body: string | Uint8Array) => {
    try {
      parseDocument(body, URL_);
    } catch (e) {
      expect(e).toBeInstanceOf(NetworkError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts the real 0.58 document', () => {
    expect(reason(text)).toBe('accepted');
    expect(reason(Buffer.from(text))).toBe('accepted');
  });

  it('rejects what is not JSON, not OpenAPI 3 or has no paths, naming the URL', () => {
    expect(reason('this is not json')).toBe(`the API document at ${URL_} is not JSON`);
    expect(reason('<!doctype html><html></html>')).toContain('is an HTML page, not JSON');
    expect(reason('')).toContain('is empty');
    expect(reason('[1,2]')).toContain('not a JSON object');
    expect(reason('{"swagger":"2.0","paths":{}}')).toContain('is Swagger 2.0, not OpenAPI 3');
    expect(reason('{"info":{},"paths":{}}')).toContain('no "openapi" field');
    expect(reason('{"openapi":"2.9","paths":{}}')).toContain('is not an OpenAPI 3 document');
    expect(reason('{"openapi":"3.0.2","info":{}}')).toContain('has no "paths"');
    expect(reason('{"openapi":"3.0.2","paths":[]}')).toContain('"paths" that is not an object');
  });

  it('rejects a document over the size limit before parsing it', () => {
    const huge = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x20);
    expect(reason(huge)).toMatch(/is too large \(20\.0 MB; the limit is 20 MB\)/);
  });
});

describe('buildIndex on the 0.58 document', () => {
  it('has every operation, sorted by path then method, with the server and version', () => {
    expect(index.operations).toHaveLength(185);
    expect(new Set(index.operations.map((o) => o.path)).size).toBe(118);
    expect(index).toMatchObject({ format: 1, server: 'http://zenml.test', serverVersion: '0.58.0', openapi: '3.0.2', title: 'ZenML', docVersion: '0.58.0' });
    const keys = index.operations.map((o) => `${o.path} ${o.method}`);
    const paths = index.operations.map((o) => o.path);
    expect(paths).toEqual([...paths].sort());
    expect(keys.indexOf('/api/v1/service_accounts GET')).toBeLessThan(keys.indexOf('/api/v1/service_accounts POST'));
  });

  it('resolves the request body $ref of POST /service_accounts: name and active required', () => {
    const o = op('POST', '/api/v1/service_accounts');
    expect(o).toMatchObject({ summary: 'Create Service Account', tag: 'service_accounts', tags: ['service_accounts', 'api_keys'], auth: true });
    expect(o.body).toMatchObject({ contentType: 'application/json', required: true, type: 'ServiceAccountRequest' });
    expect(o.body!.fields).toEqual([
      { name: 'name', type: 'string', required: true, description: 'The unique name for the service account.' },
      { name: 'description', type: 'string', required: false, description: 'A description of the service account.' },
      { name: 'active', type: 'boolean', required: true, description: 'Whether the service account is active or not.' },
    ]);
    expect(o.response).toMatchObject({ status: '200', contentType: 'application/json', type: 'ServiceAccountResponse' });
    const fields = Object.fromEntries(o.response!.fields.map((f) => [f.name, f]));
    expect(fields.body!.type).toBe('ServiceAccountResponseBody'); // allOf: [$ref] → the ref's name
    expect(fields.id).toMatchObject({ type: 'string(uuid)', required: true });
    expect(fields.permission_denied).toMatchObject({ type: 'boolean', default: false });
    expect(fields.permission_denied!.description).toBeUndefined(); // pydantic's automatic title says nothing
  });

  it('lists path and query parameters with types, defaults and required marks', () => {
    const list = op('GET', '/api/v1/service_accounts');
    const q = Object.fromEntries(list.params.map((p) => [p.name, p]));
    expect(q.hydrate).toMatchObject({ in: 'query', type: 'boolean', default: false, required: false });
    expect(q.page).toMatchObject({ type: 'integer', default: 1 });
    expect(q.logical_operator).toMatchObject({ type: 'LogicalOperators(or|and)', default: 'and' });
    expect(q.id!.type).toBe('string(uuid) | string');
    const one = op('GET', '/api/v1/service_accounts/{service_account_name_or_id}');
    expect(one.params.find((p) => p.in === 'path')).toMatchObject({ name: 'service_account_name_or_id', required: true });
    // Page[...] responses: the page fields, items typed by their $ref.
    const items = list.response!.fields.find((f) => f.name === 'items');
    expect(items).toMatchObject({ type: 'ServiceAccountResponse[]', required: true });
  });

  it('reads form bodies and anonymous operations', () => {
    const login = op('POST', '/api/v1/login');
    expect(login.auth).toBe(false);
    expect(login.body).toMatchObject({ contentType: 'application/x-www-form-urlencoded', type: 'Body_token_api_v1_login_post' });
    expect(login.body!.fields.map((f) => f.name)).toEqual(['grant_type', 'username', 'password', 'client_id', 'device_code']);
  });

  it('is compact: well under the size of the document, and its summary smaller still', () => {
    expect(JSON.stringify(index).length).toBeLessThan(text.length / 2);
    const light = summarize(index);
    expect(JSON.stringify(light).length).toBeLessThan(JSON.stringify(index).length / 4);
    expect(light.operations.find((o) => o.method === 'GET' && o.path === '/api/v1/service_accounts')).toEqual({
      method: 'GET',
      path: '/api/v1/service_accounts',
      summary: 'List Service Accounts',
      tag: 'service_accounts',
      tags: ['service_accounts', 'api_keys'],
      operationId: 'list_service_accounts_api_v1_service_accounts_get',
      query: ['hydrate', 'sort_by', 'logical_operator', 'page', 'size', 'id', 'created', 'updated', 'name', 'description', 'active'],
    });
  });
});

describe('$ref resolution and type labels', () => {
  const doc = {
    openapi: '3.0.0',
    paths: {},
    components: {
      schemas: {
        A: { $ref: '#/components/schemas/B' },
        B: { type: 'object', required: ['x'], properties: { x: { type: 'integer', default: 3 }, y: { $ref: '#/components/schemas/Color' } } },
        Color: { type: 'string', enum: ['red', 'green'] },
        Loop: { $ref: '#/components/schemas/Loop' },
        'a/b': { type: 'string', format: 'uuid' },
        Ext: { allOf: [{ $ref: '#/components/schemas/B' }, { type: 'object', required: ['z'], properties: { z: { type: 'string', nullable: true } } }] },
        Maybe: { anyOf: [{ $ref: '#/components/schemas/B' }, { type: 'null' }] },
        Ids: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
        Map: { type: 'object', additionalProperties: { type: 'number' } },
      },
    },
  };
  const r = new Resolver(doc as never);

  it('follows chains, escaped pointers and stops on cycles', () => {
    expect(r.deref({ $ref: '#/components/schemas/A' })).toMatchObject({ required: ['x'] });
    expect(r.deref({ $ref: '#/components/schemas/a~1b' })).toEqual({ type: 'string', format: 'uuid' });
    expect(r.deref({ $ref: '#/components/schemas/Loop' })).toBeUndefined();
    expect(r.deref({ $ref: 'other.json#/x' })).toBeUndefined();
    expect(r.deref({ $ref: '#/nowhere' })).toBeUndefined();
  });

  it('labels refs, enums, unions, arrays, maps and nullables', () => {
    expect(typeLabel({ $ref: '#/components/schemas/B' }, r)).toBe('B');
    expect(typeLabel({ $ref: '#/components/schemas/A' }, r)).toBe('A');
    expect(typeLabel({ $ref: '#/components/schemas/Color' }, r)).toBe('Color(red|green)');
    expect(typeLabel({ $ref: '#/components/schemas/a~1b' }, r)).toBe('string(uuid)');
    expect(typeLabel({ $ref: '#/components/schemas/Loop' }, r)).toBe('Loop');
    expect(typeLabel({ $ref: '#/components/schemas/Ids' }, r)).toBe('(string | integer)[]');
    expect(typeLabel({ $ref: '#/components/schemas/Map' }, r)).toBe('Map'); // a named object: its name
    expect(typeLabel({ type: 'object', additionalProperties: { type: 'number' } }, r)).toBe('map[string]number');
    expect(typeLabel({ type: 'string', nullable: true }, r)).toBe('string | null');
    expect(typeLabel({ type: ['string', 'null'] }, r)).toBe('string | null');
    expect(typeLabel({ enum: [1, 2] }, r)).toBe('enum(1|2)');
    expect(typeLabel({}, r)).toBe('any');
    expect(typeLabel(undefined, r)).toBe('any');
  });

  it('takes the fields of allOf parts together, and of a lone anyOf object', () => {
    expect(schemaFields({ $ref: '#/components/schemas/Ext' }, r)).toEqual([
      { name: 'x', type: 'integer', required: true, default: 3 },
      { name: 'y', type: 'Color(red|green)', required: false },
      { name: 'z', type: 'string | null', required: true },
    ]);
    expect(schemaFields({ $ref: '#/components/schemas/Maybe' }, r).map((f) => f.name)).toEqual(['x', 'y']);
    expect(schemaFields({ type: 'array', items: { $ref: '#/components/schemas/B' } }, r).map((f) => f.name)).toEqual(['x', 'y']);
    expect(schemaFields({ $ref: '#/components/schemas/Loop' }, r)).toEqual([]);
  });

  it('merges path-item parameters with the operation, which wins', () => {
    const ix = buildIndex(
      {
        openapi: '3.0.0',
        components: { parameters: { Id: { name: 'id', in: 'path', schema: { type: 'string' } } } },
        paths: {
          '/x/{id}': {
            parameters: [{ $ref: '#/components/parameters/Id' }, { name: 'q', in: 'query', schema: { type: 'string' } }],
            get: { parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'integer' } }], security: [] },
          },
        },
      } as never,
      META,
    );
    expect(ix.operations[0]!.params).toEqual([
      { name: 'id', in: 'path', type: 'string', required: true },
      { name: 'q', in: 'query', type: 'integer', required: true },
    ]);
    expect(ix.operations[0]!.auth).toBe(false);
  });
});

describe('paths', () => {
  it('makes call-style paths absolute and back', () => {
    expect(absolutePath('service_accounts')).toBe('/api/v1/service_accounts');
    expect(absolutePath('/health')).toBe('/health');
    expect(absolutePath('pipelines?size=2')).toBe('/api/v1/pipelines');
    expect(absolutePath('https://z.example.com/root/api/v1/info?x=1', 'https://z.example.com/root')).toBe('/api/v1/info');
    expect(absolutePath('https://z.example.com/api/v1/info', 'https://z.example.com')).toBe('/api/v1/info');
    expect(relativePath('/api/v1/service_accounts')).toBe('service_accounts');
    expect(relativePath('/health')).toBe('/health');
  });

  it('matches concrete values and {…} against templates, preferring literal segments', () => {
    const t = '/api/v1/service_accounts/{service_account_name_or_id}';
    expect(matchTemplate(t, '/api/v1/service_accounts/ci-bot')).not.toBeNull();
    expect(matchTemplate(t, '/api/v1/service_accounts/{id}')).not.toBeNull();
    expect(matchTemplate(t, t)).not.toBeNull();
    expect(matchTemplate(t, '/api/v1/service_accounts')).toBeNull();
    expect(matchTemplate(t, '/api/v1/service_accounts/a/b')).toBeNull();
    expect(matchTemplate('/files/{name}.json', '/files/x.json')).not.toBeNull();
    const ix = miniIndex({ '/api/v1/users/{user_id}': ['GET'], '/api/v1/users/me': ['GET'], '/api/v1/users': ['GET', 'POST'] });
    expect(findOperation(ix, 'get', '/api/v1/users/me')!.path).toBe('/api/v1/users/me');
    expect(findOperation(ix, 'GET', '/api/v1/users/42')!.path).toBe('/api/v1/users/{user_id}');
    expect(findOperation(ix, 'DELETE', '/api/v1/users/42')).toBeUndefined();
    expect(operationsOnPath(ix, '/api/v1/users').map((o) => o.method)).toEqual(['GET', 'POST']);
  });
});

describe('filterOperations', () => {
  const paths = (ops: OperationSummary[]) => ops.map((o) => `${o.method} ${o.path}`);

  it('matches a case-insensitive substring of the path or the summary', () => {
    const a = filterOperations(index.operations, { pattern: 'SERVICE_ACCOUNT' });
    expect(a).toHaveLength(11);
    expect(a.every((o) => o.path.includes('/service_accounts'))).toBe(true);
    expect(paths(filterOperations(index.operations, { pattern: 'rotate api' }))).toEqual([
      'PUT /api/v1/service_accounts/{service_account_id}/api_keys/{api_key_name_or_id}/rotate',
    ]);
  });

  it('matches globs against the absolute path, the relative path or the summary', () => {
    const rel = filterOperations(index.operations, { pattern: 'service_accounts/*/api_keys*' });
    expect(rel).toHaveLength(6);
    expect(filterOperations(index.operations, { pattern: '/api/v1/service_accounts/*/api_keys' })).toHaveLength(2);
    expect(filterOperations(index.operations, { pattern: 'list service account?' })).toHaveLength(1);
    expect(globToRegExp('a.b*').test('A.Bxyz')).toBe(true);
    expect(globToRegExp('a.b*').test('aXb')).toBe(false);
  });

  it('a concrete path matches its template', () => {
    expect(paths(filterOperations(index.operations, { pattern: 'service_accounts/ci-bot', method: 'DELETE' }))).toEqual([
      'DELETE /api/v1/service_accounts/{service_account_name_or_id}',
    ]);
  });

  it('filters by method and tag (any of the tags, any case)', () => {
    expect(filterOperations(index.operations, { method: 'patch' })).toHaveLength(1);
    const keys = filterOperations(index.operations, { tag: 'API_KEYS' });
    expect(keys.length).toBe(11); // tagged ['service_accounts', 'api_keys']
    expect(filterOperations(index.operations, { pattern: 'api_keys', tag: 'api_keys', method: 'PUT' })).toHaveLength(2);
  });
});

describe('suggestions', () => {
  const s = (method: string, path: string) => suggestPaths(index, method, path).map((x) => (x.method ? `${x.method} ${x.path}` : x.path));

  it('suggests the nearest documented path for a typo', () => {
    expect(s('GET', '/api/v1/service_acounts')).toEqual(['/api/v1/service_accounts']);
    expect(s('GET', '/api/v1/serviceaccounts')).toEqual(['/api/v1/service_accounts']);
    expect(s('GET', '/api/v1/current_user')).toEqual(['/api/v1/current-user']);
    expect(s('GET', '/api/v1/pipeline')[0]).toBe('/api/v1/pipelines');
  });

  it('keeps concrete values where the template has {param} segments', () => {
    expect(s('GET', '/api/v1/service_accounts/ci-bot/apikeys')).toEqual(['/api/v1/service_accounts/ci-bot/api_keys']);
    expect(s('PUT', '/api/v1/service_accounts/ci-bot/api_keys/k1/rotat')).toEqual(['/api/v1/service_accounts/ci-bot/api_keys/k1/rotate']);
  });

  it('names the method when the path exists for other methods only, and handles a trailing slash', () => {
    expect(s('POST', '/api/v1/current-user')).toEqual(['GET /api/v1/current-user']);
    expect(s('POST', '/api/v1/login/')).toEqual(['/api/v1/login']);
  });

  it('suggests nothing for far-off paths', () => {
    expect(s('GET', '/api/v1/nothing/like/this/at/all')).toEqual([]);
    expect(s('GET', '/api/v1/zzzzzzzz')).toEqual([]);
  });

  it('formats one, two or three suggestions', () => {
    const mk = (path: string, method?: string) => ({ path, template: path, cost: 0, ...(method ? { method } : {}) });
    expect(formatSuggestions([mk('/a')])).toBe('/a');
    expect(formatSuggestions([mk('/a'), mk('/b', 'POST')])).toBe('/a or POST /b');
    expect(formatSuggestions([mk('/a'), mk('/b'), mk('/c')])).toBe('/a, /b or /c');
  });

  it('finds the nearest name with transpositions counted once', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestName('nmae', ['name', 'size', 'page'])).toBe('name');
    expect(nearestName('sizee', ['name', 'size'])).toBe('size');
    expect(nearestName('completely', ['name', 'size'])).toBeUndefined();
  });
});

describe('renderOperation', () => {
  it('shows parameters, body and response with required marks', () => {
    const out = renderOperation(op('POST', '/api/v1/service_accounts'));
    expect(out).toMatch(/^POST \/api\/v1\/service_accounts\n/);
    expect(out).toContain('Request body (application/json, required): ServiceAccountRequest');
    expect(out).toMatch(/\n {2}name +string +required +The unique name/);
    expect(out).toMatch(/\n {2}active +boolean +required/);
    expect(out).toMatch(/\n {2}description +string {2,}A description/);
    expect(out).toContain('Response 200 (application/json): ServiceAccountResponse');
    const get = renderOperation(op('GET', '/api/v1/service_accounts'));
    expect(get).toContain('Query parameters:');
    expect(get).toMatch(/\n {2}hydrate +boolean +false/);
    expect(get).not.toContain('\x1b[');
    expect(renderOperation(op('GET', '/api/v1/service_accounts'), true)).toContain('\x1b[1m');
  });
});
