import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, normalizeServerUrl } from '../../src/auth/url.js';
import { UsageError } from '../../src/errors.js';

describe('normalizeServerUrl', () => {
  it.each([
    ['https://zenml.example.com', 'https://zenml.example.com'],
    ['https://zenml.example.com/', 'https://zenml.example.com'],
    ['https://zenml.example.com///', 'https://zenml.example.com'],
    ['  https://zenml.example.com  ', 'https://zenml.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:8237/', 'http://localhost:8237'],
    ['https://zenml.example.com/api/v1', 'https://zenml.example.com'],
    ['https://zenml.example.com/api/v1/', 'https://zenml.example.com'],
    ['https://zenml.example.com/api/v1//', 'https://zenml.example.com'],
    ['https://zenml.example.com/zenml', 'https://zenml.example.com/zenml'],
    ['https://zenml.example.com/zenml/', 'https://zenml.example.com/zenml'],
    ['https://zenml.example.com/zenml/api/v1', 'https://zenml.example.com/zenml'],
    ['https://zenml.example.com/a/b/api/v1/', 'https://zenml.example.com/a/b'],
    ['HTTPS://ZenML.Example.COM/Prefix', 'https://zenml.example.com/Prefix'],
    ['https://zenml.example.com:443/', 'https://zenml.example.com'],
    ['http://zenml.example.com:80', 'http://zenml.example.com'],
    ['https://zenml.example.com:8443', 'https://zenml.example.com:8443'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
  ])('%s → %s', (input, out) => {
    expect(normalizeServerUrl(input)).toBe(out);
  });

  it('removes only one trailing /api/v1, and only at the end', () => {
    expect(normalizeServerUrl('https://h.example.com/api/v1/api/v1')).toBe('https://h.example.com/api/v1');
    expect(normalizeServerUrl('https://h.example.com/api/v1/info')).toBe('https://h.example.com/api/v1/info');
    expect(normalizeServerUrl('https://h.example.com/myapi/v1')).toBe('https://h.example.com/myapi/v1');
  });

  const refuse = (input: string, message: string | RegExp) => {
    expect(() => normalizeServerUrl(input)).toThrow(UsageError);
    expect(() => normalizeServerUrl(input)).toThrow(message);
  };

  it('refuses an empty value', () => {
    refuse('', 'the server URL is empty');
    refuse('   ', 'the server URL is empty');
  });

  it('requires a scheme, suggesting https, or http for this machine', () => {
    refuse('zenml.example.com', 'the server URL needs a scheme: did you mean https://zenml.example.com ?');
    refuse('localhost:8080', 'the server URL needs a scheme: did you mean http://localhost:8080 ?');
    refuse('127.0.0.1:8237/x', 'the server URL needs a scheme: did you mean http://127.0.0.1:8237/x ?');
    refuse('[::1]:8080', 'the server URL needs a scheme: did you mean http://[::1]:8080 ?');
    refuse('localhost.example.com', 'the server URL needs a scheme: did you mean https://localhost.example.com ?');
    refuse('//zenml.example.com', 'the server URL needs a scheme: did you mean https://zenml.example.com ?');
  });

  it('a port out of range says so', () => {
    refuse('http://localhost:99999', 'the server URL is not valid: port 99999 is out of range (1-65535)');
    refuse('https://zenml.example.com:70000/path', 'the server URL is not valid: port 70000 is out of range (1-65535)');
  });

  it('only http and https', () => {
    refuse('ftp://zenml.example.com', 'the server URL must use http or https, not ftp');
    refuse('file:///etc/passwd', 'the server URL must use http or https, not file');
    refuse('ws://zenml.example.com', 'the server URL must use http or https, not ws');
  });

  it('refuses user info, a query and a fragment', () => {
    refuse('https://user:pw@zenml.example.com', 'the server URL must not contain a user name or password');
    refuse('https://user@zenml.example.com', 'the server URL must not contain a user name or password');
    refuse('https://zenml.example.com/?x=1', 'the server URL must not contain a query or fragment');
    refuse('https://zenml.example.com/#top', 'the server URL must not contain a query or fragment');
  });

  // BUG (src/auth/url.ts:11, and :17): the "needs a scheme" and "not a valid" messages echo the
  // raw input, so a scheme-less URL with user info (say ZENML_STORE_URL=bob:PASSWORD@host in CI)
  // prints the password in the error message; DESIGN.md: secrets never appear in error messages.
  it('does not echo a password from a scheme-less URL in its error message', () => {
    const fakePassword = 'p'.repeat(12);
    let message = '';
    try {
      normalizeServerUrl(`bob:${fakePassword}@zenml.example.com`);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message.includes(fakePassword)).toBe(false);
  });

  it('refuses what is not a URL', () => {
    refuse('http://', /^not a valid server URL: http:\/\/$/);
    refuse('https://exa mple.com', 'not a valid server URL');
  });

  it('names what it checks', () => {
    expect(() => normalizeServerUrl('', 'ZENML_STORE_URL')).toThrow('the ZENML_STORE_URL is empty');
    expect(() => normalizeServerUrl('ftp://x', 'ZENML_PRO_API_URL')).toThrow('the ZENML_PRO_API_URL must use http or https, not ftp');
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:8080', true],
    ['http://LOCALHOST', true],
    ['http://zenml.localhost:8080', true],
    ['http://127.0.0.1:8237', true],
    ['http://127.1.2.3', true],
    ['http://[::1]:8080', true],
    ['https://zenml.example.com', false],
    ['http://localhost.example.com', false],
    ['http://128.0.0.1', false],
    ['http://10.0.0.1', false],
    ['http://0.0.0.0:8080', false],
    ['http://127.0.0.1.example.com', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});
