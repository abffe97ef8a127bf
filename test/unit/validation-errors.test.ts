/** ZenML 422 validation errors, both wire forms, as one line per problem (recorded bodies). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseErrorBody, parsePythonLiteral, validationProblems } from '../../src/api/error-body.js';
import { apiErrorFrom } from '../../src/api/response.js';

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/validation-errors.json'), 'utf8')) as Record<'v1' | 'v2', Array<{ label: string; body: string }>>;
const body = (v: 'v1' | 'v2', label: string) => fixtures[v].find((e) => e.label === label)!.body;
/** As cli.ts prints it: the message, then each problem on a line of its own. */
const show = (text: string) => {
  const e = apiErrorFrom(422, parseErrorBody(422, text), text);
  return [e.message.replace(/^HTTP 422: /, ''), ...(e.details ?? [])].join('\n  ');
};

describe('validation errors', () => {
  it('pydantic 1 text (0.58) and pydantic 2 repr (0.85) read the same', () => {
    const want = '2 problems with the request:\n  body.name: field required\n  body.active: field required';
    expect(show(body('v1', 'create service account missing name (validation)'))).toBe(want);
    expect(show(body('v2', 'sa-missing'))).toBe(want);
  });

  it('one problem on one line, with the value that was refused', () => {
    expect(show(body('v2', 'sa-name-only'))).toBe('invalid request: body.active: field required');
    expect(show(body('v2', 'api_token-bad-type'))).toBe(`invalid request: query.token_type: input should be 'generic' or 'workload' (got "bogus")`);
    expect(show(body('v2', 'sa-list-bad-size'))).toBe('invalid request: query.size: input should be greater than or equal to 1 (got "0")');
  });

  it('every recorded 422 becomes problems, none left as a Python repr', () => {
    for (const v of ['v1', 'v2'] as const) {
      for (const e of fixtures[v]) {
        const p = parseErrorBody(422, e.body);
        expect(p.problems?.length, e.label).toBeGreaterThan(0);
        expect(show(e.body), e.label).not.toMatch(/'loc'|\(type=|ValueError/);
      }
    }
  });

  it("FastAPI's one-dict-a-line form and pydantic 2 model errors", () => {
    const lines = JSON.stringify(['ValueError', "2 validation errors:\n  {'type': 'missing', 'loc': ('body', 'name'), 'msg': 'Field required', 'input': {'description': 'x'}}\n  {'type': 'missing', 'loc': ('body', 'active'), 'msg': 'Field required', 'input': {'description': 'x'}}\n"]);
    expect(show(lines)).toBe('2 problems with the request:\n  body.name: field required\n  body.active: field required');
    const model = JSON.stringify(['ValueError', "1 validation error for PipelineFilter\nsize\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='abc', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.11/v/int_parsing"]);
    expect(show(model)).toBe("invalid request: size: input should be a valid integer, unable to parse string as an integer (got 'abc')");
  });

  it('values are cut to 80 characters', () => {
    const long = 'x'.repeat(3000);
    const text = JSON.stringify(['ValueError', `[{'type': 'string_too_long', 'loc': ('body', 'name'), 'msg': 'String should have at most 255 characters', 'input': '${long}', 'ctx': {'max_length': 255}}]`]);
    const line = show(text);
    expect(line).toMatch(/^invalid request: body\.name: string should have at most 255 characters \(got "x+…\)$/);
    expect(line.length).toBeLessThan(200);
  });

  it('Python literals: tuples, escapes, None/True/False, calls and enum members', () => {
    expect(parsePythonLiteral(`[{'a': ('b', 1), "c": None, 'd': True, 'e': 'it\\'s', 'f': UUID('1234'), 'g': <E.X: 'x'>}]`)).toEqual([
      { a: ['b', 1], c: null, d: true, e: "it's", f: "UUID('1234')", g: "<E.X: 'x'>" },
    ]);
  });

  it('other bodies are left alone', () => {
    expect(validationProblems('not a list')).toBeNull();
    expect(validationProblems("[{'broken")).toBeNull();
    expect(show('["KeyError", "\'No service account with name x\'"]')).toBe('KeyError: No service account with name x');
    // FastAPI's own {"detail": [...]} (the Pro API) keeps its form.
    expect(show('{"detail":[{"loc":["body","name"],"msg":"field required","type":"value_error.missing"}]}')).toBe('body.name: field required');
  });
});
