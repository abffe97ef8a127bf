import { describe, expect, it } from 'vitest';
import { validateProfileName } from '../../src/auth/profiles.js';
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
