import { describe, expect, it } from 'vitest';
import { describeHtml, formatParsedError, looksLikeHtml, parseErrorBody } from '../../src/api/error-body.js';

/** parse + format in one step: the "One message" of docs/zenml-api.md §5. */
const one = (status: number, body: string, contentType?: string) => formatParsedError(parseErrorBody(status, body, contentType));

describe('parseErrorBody: string detail', () => {
  it('takes a string detail as the message, without a class', () => {
    const p = parseErrorBody(401, '{"detail":"Not authenticated"}', 'application/json');
    expect(p).toEqual({ errorClass: null, message: 'Not authenticated', json: true, value: { detail: 'Not authenticated' } });
    expect(formatParsedError(p)).toBe('Not authenticated');
  });

  it.each([
    [400, 'Unsupported grant type: bogus'],
    [400, 'Invalid request: username is required.'],
    [404, 'Not Found'],
    [405, 'Method Not Allowed'],
    [429, 'Minute request limit exceeded.'],
    [429, 'Daily request limit exceeded.'],
    [401, 'Authentication error: error decoding access token. You may need to rerun zenml connect.'],
  ])('HTTP %i %j', (status, detail) => {
    expect(one(status, JSON.stringify({ detail }))).toBe(detail);
    expect(parseErrorBody(status, JSON.stringify({ detail })).errorClass).toBeNull();
  });
});

describe('parseErrorBody: [class, message] detail', () => {
  it('splits the class from the message (AuthorizationException on /login)', () => {
    const body = '{"detail":["AuthorizationException","Authentication error: invalid username or password"]}';
    const p = parseErrorBody(401, body);
    expect(p.errorClass).toBe('AuthorizationException');
    expect(p.message).toBe('Authentication error: invalid username or password');
    expect(p.json).toBe(true);
    expect(formatParsedError(p)).toBe('AuthorizationException: Authentication error: invalid username or password');
  });

  it('CredentialsNotValid on new servers', () => {
    const body = JSON.stringify({ detail: ['CredentialsNotValid', 'Authentication error: account bot is not active'] });
    expect(one(401, body)).toBe('CredentialsNotValid: Authentication error: account bot is not active');
  });

  it('EntityExistsError (409) keeps its quotes: only KeyError is unquoted', () => {
    const msg = "Unable to create service account with name 'cli-test-sa': Found existing service account with this name.";
    expect(one(409, JSON.stringify({ detail: ['EntityExistsError', msg] }))).toBe(`EntityExistsError: ${msg}`);
    const quoted = "'quoted whole'";
    expect(one(400, JSON.stringify({ detail: ['ValueError', quoted] }))).toBe(`ValueError: ${quoted}`);
  });

  it('joins more than one argument with ": "', () => {
    expect(one(400, JSON.stringify({ detail: ['ValueError', 'first', 'second'] }))).toBe('ValueError: first: second');
  });

  it('a class alone formats as the class', () => {
    const p = parseErrorBody(500, JSON.stringify({ detail: ['RuntimeError'] }));
    expect(p.errorClass).toBe('RuntimeError');
    expect(p.message).toBe('');
    expect(formatParsedError(p)).toBe('RuntimeError');
  });

  it('the page-out-of-range ValueError', () => {
    const msg =
      'Invalid page 3. The requested page size is 20 and there are a total of 1 items for this query. The maximum page value therefore is 1.';
    expect(one(400, JSON.stringify({ detail: ['ValueError', msg] }))).toBe(`ValueError: ${msg}`);
  });
});

describe('parseErrorBody: KeyError quote stripping', () => {
  it("strips the Python repr's double quotes when the message contains a single quote", () => {
    const body = JSON.stringify({ detail: ['KeyError', `"No service account with the 'does-not-exist' name or ID was found"`] });
    const p = parseErrorBody(404, body);
    expect(p.errorClass).toBe('KeyError');
    expect(p.message).toBe("No service account with the 'does-not-exist' name or ID was found");
    expect(formatParsedError(p)).toBe("KeyError: No service account with the 'does-not-exist' name or ID was found");
  });

  it('strips single quotes', () => {
    expect(one(404, JSON.stringify({ detail: ['KeyError', "'No such thing'"] }))).toBe('KeyError: No such thing');
  });

  it('the long API-key KeyError', () => {
    const inner =
      "An API key with ID or name 'nope' is not configured for service account with ID '6999f049-922f-441b-9636-3e291a8c8be9'.";
    expect(one(404, JSON.stringify({ detail: ['KeyError', `"${inner}"`] }))).toBe(`KeyError: ${inner}`);
  });

  it('strips only one pair', () => {
    expect(one(404, JSON.stringify({ detail: ['KeyError', `"'x'"`] }))).toBe("KeyError: 'x'");
  });

  it('leaves mismatched or lone quotes alone', () => {
    expect(one(404, JSON.stringify({ detail: ['KeyError', `"abc'`] }))).toBe(`KeyError: "abc'`);
    expect(one(404, JSON.stringify({ detail: ['KeyError', `'`] }))).toBe(`KeyError: '`);
    expect(one(404, JSON.stringify({ detail: ['KeyError', 'plain'] }))).toBe('KeyError: plain');
  });

  it('works for a bare KeyError array too', () => {
    expect(one(404, JSON.stringify(['KeyError', "'gone'"]))).toBe('KeyError: gone');
  });
});

describe('parseErrorBody: bare array (422 request validation)', () => {
  it('takes the first element as the class; a validation error becomes its problems', () => {
    const body = JSON.stringify([
      'ValueError',
      '2 validation errors for Request\nbody -> name\n  field required (type=value_error.missing)\nbody -> active\n  field required (type=value_error.missing)',
    ]);
    const p = parseErrorBody(422, body);
    expect(p.errorClass).toBe('ValueError');
    expect(p.message).toBe('body.name: field required; body.active: field required');
    expect(p.problems).toEqual(['body.name: field required', 'body.active: field required']);
    expect(p.json).toBe(true);
    expect(p.value).toEqual(JSON.parse(body));
  });
});

describe('parseErrorBody: pydantic object[] detail', () => {
  it('joins loc with dots and entries with "; "', () => {
    const body = JSON.stringify({
      detail: [
        { loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' },
        { loc: ['query', 'size'], msg: 'ensure this value is less than or equal to 10000', type: 'value_error' },
      ],
    });
    const p = parseErrorBody(422, body);
    expect(p.errorClass).toBeNull();
    expect(p.message).toBe('body.name: field required; query.size: ensure this value is less than or equal to 10000');
    expect(formatParsedError(p)).toBe(p.message);
  });

  it('numeric loc parts and a missing msg', () => {
    const body = JSON.stringify({ detail: [{ loc: ['body', 'items', 0], type: 'missing' }] });
    expect(one(422, body)).toBe('body.items.0:');
  });

  it('an empty detail list falls back to the status', () => {
    expect(one(422, '{"detail":[]}')).toBe('HTTP 422');
  });
});

describe('parseErrorBody: {error, error_description}', () => {
  it('RFC 8628 authorization_pending', () => {
    const body = JSON.stringify({
      error: 'authorization_pending',
      error_description: 'Authentication error: device with client ID 1234 is pending.',
      error_uri: null,
    });
    const p = parseErrorBody(400, body);
    expect(p.errorClass).toBe('authorization_pending');
    expect(p.message).toBe('Authentication error: device with client ID 1234 is pending.');
    expect(formatParsedError(p)).toBe('authorization_pending: Authentication error: device with client ID 1234 is pending.');
  });

  it('access_denied without a description', () => {
    const p = parseErrorBody(400, '{"error":"access_denied"}');
    expect(p.errorClass).toBe('access_denied');
    expect(p.message).toBe('');
    expect(formatParsedError(p)).toBe('access_denied');
  });

  it('error_description null counts as empty', () => {
    expect(one(400, '{"error":"expired_token","error_description":null}')).toBe('expired_token');
  });

  it('429 "Server too busy" is shown as it is, without a trailing colon', () => {
    const p = parseErrorBody(429, '{"error":"Server too busy. Please try again later."}');
    expect(p.errorClass).toBe('Server too busy. Please try again later.');
    expect(formatParsedError(p)).toBe('Server too busy. Please try again later.');
  });

  it('detail wins over error when both are present', () => {
    expect(one(400, '{"detail":"Not Found","error":"other"}')).toBe('Not Found');
  });
});

describe('parseErrorBody: other JSON', () => {
  it('a {message} object', () => {
    expect(one(500, '{"message":"Internal failure"}')).toBe('Internal failure');
  });

  it('an unknown object shape is quoted compactly', () => {
    expect(one(500, '{"foo":1}')).toBe('{"foo":1}');
  });

  it('a JSON string or number body', () => {
    expect(one(503, '"OK"')).toBe('"OK"');
    expect(one(500, '42')).toBe('42');
  });

  it('JSON null falls back to its text', () => {
    expect(one(500, 'null')).toBe('null');
  });

  it('an array that is not all strings is not a [class, msg] pair', () => {
    const p = parseErrorBody(500, '[1,2]');
    expect(p.errorClass).toBeNull();
    expect(p.message).toBe('[1,2]');
  });
});

describe('parseErrorBody: HTML pages', () => {
  it('by content type, naming the <title>', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
    const p = parseErrorBody(502, html, 'text/html; charset=utf-8');
    expect(p).toEqual({ errorClass: null, message: 'an HTML page ("502 Bad Gateway"), not a ZenML API response', json: false });
  });

  it('by content type even when the body does not start with a tag', () => {
    const p = parseErrorBody(502, 'Bad gateway <b>oops</b>', 'TEXT/HTML');
    expect(p.message).toBe('an HTML page, not a ZenML API response');
  });

  it('by a body starting with <!doctype, without a content type, using <h1> when there is no title', () => {
    const html = '\n  <!DOCTYPE html>\n<html><body><h1> Service Unavailable </h1></body></html>';
    expect(one(503, html)).toBe('an HTML page ("Service Unavailable"), not a ZenML API response');
  });

  it('by a body starting with <html', () => {
    expect(one(404, '<HTML><BODY>nothing here</BODY></HTML>', 'application/octet-stream')).toBe(
      'an HTML page, not a ZenML API response',
    );
  });

  it('never dumps the page itself', () => {
    const html = `<!doctype html><html><body>${'filler-markup '.repeat(50)}</body></html>`;
    const msg = one(500, html);
    expect(msg).not.toContain('markup');
    expect(msg.length).toBeLessThan(100);
  });

  it('cuts a long title to 80 characters', () => {
    const html = `<html><title>${'T'.repeat(200)}</title></html>`;
    expect(one(500, html)).toBe(`an HTML page ("${'T'.repeat(80)}"), not a ZenML API response`);
  });
});

describe('parseErrorBody: empty and non-JSON text', () => {
  it('an empty body', () => {
    expect(parseErrorBody(502, '')).toEqual({ errorClass: null, message: '(empty body)', json: false });
  });

  it('a body of spaces only', () => {
    expect(one(502, '   ')).toBe('(empty body)');
  });

  // BUG (src/api/error-body.ts:37, `collapse`): line breaks are replaced by '; ' BEFORE the text is
  // trimmed, so a body that is only whitespace with a line break becomes ';' instead of '(empty body)'.
  it('a whitespace-only body with a line break is an empty body', () => {
    expect(one(502, '  \n ')).toBe('(empty body)');
  });

  it('plain text is kept', () => {
    expect(parseErrorBody(500, 'Internal Server Error', 'text/plain')).toEqual({
      errorClass: null,
      message: 'Internal Server Error',
      json: false,
    });
  });

  it('is cut at 300 characters', () => {
    const text = 'a'.repeat(299) + 'bcdefgh';
    const p = parseErrorBody(500, text);
    expect(p.message).toBe('a'.repeat(299) + 'b');
    expect(p.message).toHaveLength(300);
  });

  it('line breaks become "; " so the message stays on one line', () => {
    expect(one(500, 'upstream failed\n  retry later')).toBe('upstream failed; retry later');
  });

  // BUG (src/api/error-body.ts:37, `collapse`): a trailing line break (most text bodies end with one)
  // becomes a stray trailing ';' because the replacement runs before trim().
  it('a trailing line break does not leave a trailing ";"', () => {
    expect(one(500, 'Internal Server Error\n')).toBe('Internal Server Error');
  });

  it('a JSON detail ending in a line break does not leave a trailing ";"', () => {
    expect(one(400, JSON.stringify({ detail: 'Bad request\n' }))).toBe('Bad request');
  });
});

describe('looksLikeHtml / describeHtml', () => {
  it('looksLikeHtml', () => {
    expect(looksLikeHtml('<!DOCTYPE html>')).toBe(true);
    expect(looksLikeHtml('  <html lang="en">')).toBe(true);
    expect(looksLikeHtml('<body>')).toBe(true);
    expect(looksLikeHtml('<head>')).toBe(true);
    expect(looksLikeHtml('x', 'text/html')).toBe(true);
    expect(looksLikeHtml('<div>')).toBe(false);
    expect(looksLikeHtml('hello <html>')).toBe(false);
    expect(looksLikeHtml('{}', 'application/json')).toBe(false);
  });

  it('describeHtml prefers the title over h1', () => {
    expect(describeHtml('<title>A</title><h1>B</h1>')).toBe('an HTML page ("A")');
    expect(describeHtml('<h1 class="x">B</h1>')).toBe('an HTML page ("B")');
    expect(describeHtml('<title>  </title>')).toBe('an HTML page');
    expect(describeHtml('<p>none</p>')).toBe('an HTML page');
  });
});

describe('formatParsedError', () => {
  it('class and message', () => {
    expect(formatParsedError({ errorClass: 'X', message: 'y', json: true })).toBe('X: y');
  });
  it('message only', () => {
    expect(formatParsedError({ errorClass: null, message: 'y', json: true })).toBe('y');
  });
  it('class only', () => {
    expect(formatParsedError({ errorClass: 'X', message: '', json: true })).toBe('X');
  });
});
