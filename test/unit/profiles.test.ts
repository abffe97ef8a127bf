import { describe, expect, it } from 'vitest';
import { profilesProblem, validateProfileName } from '../../src/auth/profiles.js';
import { secretsProblem } from '../../src/auth/secrets/file.js';
import { UsageError } from '../../src/errors.js';

describe('validateProfileName', () => {
  it.each(['default', 'prod', 'a', '9', 'my-server_2', 'eu.prod', 'A.b-C_d', 'x'.repeat(64), 'a.', 'a-'])('accepts %j', (name) => {
    expect(validateProfileName(name)).toBe(name);
  });

  it.each([
    ['', 'empty'],
    ['a/b', 'a slash'],
    ['/abs', 'a leading slash'],
    ['..', 'dot-dot'],
    ['a..b', 'dot-dot inside'],
    ['x'.repeat(65), 'over 64 characters'],
    ['.hidden', 'a leading dot'],
    ['-rf', 'a leading dash'],
    ['_x', 'a leading underscore'],
    ['a b', 'a space'],
    ['a\\b', 'a backslash'],
    ['a\nb', 'a line break'],
    ['prod\n', 'a trailing line break'],
    ['ünï', 'non-ASCII letters'],
    ['a:b', 'a colon'],
  ])('refuses %j (%s)', (name) => {
    expect(() => validateProfileName(name)).toThrow(UsageError);
    expect(() => validateProfileName(name)).toThrow(/^invalid profile name /);
  });

  it('quotes the name in the message, cut to 80 characters', () => {
    expect(() => validateProfileName('a/b')).toThrow(
      `invalid profile name "a/b": use letters, digits, '.', '_' and '-' (up to 64, starting with a letter or digit)`,
    );
    let message = '';
    try {
      validateProfileName('y'.repeat(200));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`"${'y'.repeat(80)}"`);
    expect(message).not.toContain('y'.repeat(81));
  });
});

describe('profilesProblem: every profile and field checked on read', () => {
  const ok = { version: 1, current: 'a', profiles: { a: { server: 'https://z.example.com', auth: 'api-key', storage: 'file', user: { id: 'u', name: 'n', serviceAccount: false } } } };
  it('accepts what the tool writes, and fields it does not know', () => {
    expect(profilesProblem(ok)).toBeNull();
    expect(profilesProblem({ profiles: { a: { futureField: [1] } } })).toBeNull();
    expect(profilesProblem({})).toBeNull();
  });
  it.each([
    [{ profiles: { a: null } }, 'profile "a" must be an object, not null'],
    [{ profiles: { a: { server: 123 } } }, 'profile "a", field "server" must be an http(s) URL, not a number'],
    [{ profiles: { a: { server: 'ftp://h' } } }, 'profile "a", field "server" must be an http(s) URL, not "ftp://h"'],
    [{ profiles: { a: { verifySsl: 'no' } } }, 'profile "a", field "verifySsl" must be true or false, not "no"'],
    [{ profiles: { a: { storage: 'disk' } } }, 'profile "a", field "storage" must be one of keychain, file, not "disk"'],
    [{ profiles: { a: { auth: 'pro-token' } } }, 'profile "a", field "auth" must be one of api-key, password, token, device, pro-external, not "pro-token"'],
    [{ profiles: { a: { insecureHttp: 'http://h' } } }, 'profile "a", field "insecureHttp" must be a list of strings, not "http://h"'],
    [{ profiles: { a: { user: { id: 'u', name: 5, serviceAccount: true } } } }, 'profile "a", field "user" must be an object with "id" (a string), "name" (a string), "serviceAccount" (true or false), not an object'],
    [{ profiles: { '../x': {} } }, 'profile "../x" is not a valid profile name'],
    [{ current: 7, profiles: {} }, '"current" must be a profile name, not a number'],
    [{ version: 2, profiles: {} }, '"version" must be 1, not a number'],
    [{ profiles: [] }, '"profiles" is not an object'],
  ])('%j → %s', (raw, message) => {
    expect(profilesProblem(raw as Record<string, unknown>)).toBe(message);
  });
});

describe('secretsProblem', () => {
  it('names the profile and the secret, never the value', () => {
    expect(secretsProblem({ 'a/api-key': 'ZENKEY_x', 'b.c/access-token': '{}' })).toBeNull();
    expect(secretsProblem({ 'a/api-key': 5 })).toBe('profile "a", secret "api-key" must be a string');
    expect(secretsProblem({ 'a/api-key': { v: 'ZENKEY_secret' } })).not.toContain('ZENKEY');
    expect(secretsProblem({ x: 'v' })).toBe('the entry "x" is not "<profile>/<secret>"');
    expect(secretsProblem({ '../a/api-key': 'v' })).toBe('the entry "../a/api-key" is not "<profile>/<secret>"');
  });
});
