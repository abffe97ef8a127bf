import { describe, expect, it } from 'vitest';
import type { ConfigData } from '../../src/auth/profiles.js';
import { ENV_PROFILE_NAME, resolveProfile, unknownProfile } from '../../src/auth/resolve.js';
import { AuthError, UsageError } from '../../src/errors.js';

const KEY = 'ZENKEY_' + 'x'.repeat(20);
const TOKEN = 'fake-token-' + 't'.repeat(10);

const config = (current?: string): ConfigData => ({
  version: 1,
  ...(current !== undefined ? { current } : {}),
  profiles: {
    prod: { server: 'https://prod.example.com', auth: 'api-key', storage: 'keychain' },
    dev: { server: 'http://127.0.0.1:8080', auth: 'password', username: 'default', verifySsl: true },
    ci: { server: 'https://ci.example.com', auth: 'token', caCert: '/stored/ca.pem' },
  },
});
const ENV_CREDS = { ZENML_STORE_URL: 'https://env.example.com/api/v1', ZENML_STORE_API_KEY: KEY };

describe('resolveProfile', () => {
  it('--profile wins over everything', () => {
    const a = resolveProfile(config('dev'), { flag: 'prod', env: { ...ENV_CREDS, ZENML_API_PROFILE: 'ci' } });
    expect(a).toEqual({ name: 'prod', source: 'flag', settings: config().profiles.prod, insecureHttpAllowed: false });
    expect(a.env).toBeUndefined();
  });

  it('then the ZENML_STORE_* environment credentials', () => {
    const a = resolveProfile(config('dev'), { env: { ...ENV_CREDS, ZENML_API_PROFILE: 'ci' } });
    expect(a).toEqual({
      name: ENV_PROFILE_NAME,
      source: 'environment',
      settings: { server: 'https://env.example.com', auth: 'api-key' },
      env: { server: 'https://env.example.com', apiKey: KEY },
      insecureHttpAllowed: false,
    });
    expect(ENV_PROFILE_NAME).toBe('(environment)');
  });

  it('the environment profile says how it authenticates', () => {
    const token = resolveProfile(config(), { env: { ZENML_STORE_URL: 'https://env.example.com', ZENML_STORE_API_TOKEN: TOKEN } });
    expect(token.settings).toEqual({ server: 'https://env.example.com', auth: 'token' });
    expect(token.env).toEqual({ server: 'https://env.example.com', token: TOKEN });
    const pw = resolveProfile(config(), {
      env: { ZENML_STORE_URL: 'https://env.example.com', ZENML_STORE_USERNAME: 'bob', ZENML_STORE_PASSWORD: 'pw-fake' },
    });
    expect(pw.settings).toEqual({ server: 'https://env.example.com', auth: 'password' });
    expect(pw.env).toEqual({ server: 'https://env.example.com', username: 'bob', password: 'pw-fake' });
  });

  it('then ZENML_API_PROFILE', () => {
    const a = resolveProfile(config('dev'), { env: { ZENML_API_PROFILE: 'ci' } });
    expect(a).toEqual({ name: 'ci', source: 'ZENML_API_PROFILE', settings: config().profiles.ci, insecureHttpAllowed: false });
  });

  it('then the current profile', () => {
    const a = resolveProfile(config('dev'), { env: {} });
    expect(a).toEqual({ name: 'dev', source: 'current', settings: config().profiles.dev, insecureHttpAllowed: false });
  });

  it('an empty ZENML_API_PROFILE or ZENML_STORE_URL is ignored', () => {
    const a = resolveProfile(config('dev'), { env: { ZENML_API_PROFILE: '', ZENML_STORE_URL: '', ZENML_STORE_API_KEY: KEY } });
    expect(a.name).toBe('dev');
    expect(a.source).toBe('current');
  });

  it('flag undefined is the same as no flag', () => {
    expect(resolveProfile(config('prod'), { flag: undefined, env: {} }).name).toBe('prod');
  });

  it('an unknown --profile is a UsageError listing the known profiles, sorted', () => {
    const run = () => resolveProfile(config('dev'), { flag: 'staging', env: {} });
    expect(run).toThrow(UsageError);
    expect(run).toThrow('unknown profile "staging"; known profiles: ci, dev, prod');
  });

  it('an unknown ZENML_API_PROFILE is a UsageError too', () => {
    expect(() => resolveProfile(config('dev'), { env: { ZENML_API_PROFILE: 'nope' } })).toThrow(
      'unknown profile "nope"; known profiles: ci, dev, prod',
    );
  });

  it('with no profiles at all the list says (none)', () => {
    const empty: ConfigData = { version: 1, profiles: {} };
    expect(() => resolveProfile(empty, { flag: 'x', env: {} })).toThrow('unknown profile "x"; known profiles: (none)');
    expect(unknownProfile('y', empty).message).toBe('unknown profile "y"; known profiles: (none)');
  });

  it('an invalid --profile name is a UsageError before any lookup', () => {
    expect(() => resolveProfile(config(), { flag: '../etc', env: {} })).toThrow(UsageError);
    expect(() => resolveProfile(config(), { flag: '../etc', env: {} })).toThrow(/^invalid profile name/);
    expect(() => resolveProfile(config(), { env: { ZENML_API_PROFILE: 'a/b' } })).toThrow(/^invalid profile name/);
  });

  it('a profile named like an Object.prototype member works when it exists', () => {
    const c: ConfigData = { version: 1, profiles: JSON.parse('{"constructor":{"server":"https://c.example.com"}}') };
    expect(resolveProfile(c, { flag: 'constructor', env: {} }).settings).toEqual({ server: 'https://c.example.com' });
  });

  // BUG (src/auth/resolve.ts:29, :45 and :50): profiles are looked up with `config.profiles[name]` on
  // a plain object (parsed from config.json), so valid profile names that are Object.prototype
  // members (`constructor`, `toString`, `valueOf`, `hasOwnProperty`…) resolve to an inherited
  // function instead of "unknown profile", giving a profile with empty settings.
  it('--profile constructor (not stored) is an unknown profile', () => {
    expect(() => resolveProfile(config(), { flag: 'constructor', env: {} })).toThrow('unknown profile "constructor"');
  });

  it('ZENML_API_PROFILE=toString (not stored) is an unknown profile', () => {
    expect(() => resolveProfile(config(), { env: { ZENML_API_PROFILE: 'toString' } })).toThrow('unknown profile "toString"');
  });

  it('a current profile named valueOf that is not stored is "not logged in"', () => {
    expect(() => resolveProfile(config('valueOf'), { env: {} })).toThrow(AuthError);
  });

  it('nothing to use is an AuthError that names the fix', () => {
    let err: unknown;
    try {
      resolveProfile({ version: 1, profiles: {} }, { env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toBe('not logged in');
    expect((err as AuthError).exitCode).toBe(4);
    expect((err as AuthError).hint).toBe('Run `zenml-api login SERVER_URL`, or set ZENML_STORE_URL and ZENML_STORE_API_KEY.');
  });

  it('a current profile that no longer exists is an AuthError', () => {
    expect(() => resolveProfile(config('gone'), { env: {} })).toThrow(AuthError);
  });

  it('a bad ZENML_STORE_URL is a UsageError', () => {
    expect(() => resolveProfile(config('dev'), { env: { ZENML_STORE_URL: 'env.example.com', ZENML_STORE_API_KEY: KEY } })).toThrow(
      UsageError,
    );
  });

  it('ZENML_STORE_VERIFY_SSL applies to every source, over the stored setting', () => {
    const off = { ZENML_STORE_VERIFY_SSL: 'false' };
    expect(resolveProfile(config(), { flag: 'dev', env: off }).settings.verifySsl).toBe(false);
    expect(resolveProfile(config('dev'), { env: off }).settings.verifySsl).toBe(false);
    expect(resolveProfile(config(), { env: { ...off, ZENML_API_PROFILE: 'dev' } }).settings.verifySsl).toBe(false);
    expect(resolveProfile(config(), { env: { ...off, ...ENV_CREDS } }).settings).toEqual({
      server: 'https://env.example.com',
      auth: 'api-key',
      verifySsl: false,
    });
    const ca = resolveProfile(config(), { flag: 'ci', env: { ZENML_STORE_VERIFY_SSL: '/env/ca.pem' } });
    expect(ca.settings.caCert).toBe('/env/ca.pem');
  });

  it('does not modify the config it was given', () => {
    const c = config('dev');
    const before = JSON.stringify(c);
    resolveProfile(c, { env: { ZENML_STORE_VERIFY_SSL: 'false' } });
    expect(JSON.stringify(c)).toBe(before);
  });
});
