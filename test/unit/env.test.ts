import { describe, expect, it } from 'vitest';
import { envProCredentials, envServerCredentials, envTlsSettings } from '../../src/auth/env.js';
import { UsageError } from '../../src/errors.js';

// Obviously fake values.
const KEY = 'ZENKEY_' + 'x'.repeat(20);
const PRO_KEY = 'ZENPROKEY_' + 'y'.repeat(20);
const TOKEN = 'fake-token-' + 't'.repeat(10);
const URL = 'https://zenml.example.com';

describe('envServerCredentials', () => {
  it('null without ZENML_STORE_URL, or with it empty', () => {
    expect(envServerCredentials({})).toBeNull();
    expect(envServerCredentials({ ZENML_STORE_API_KEY: KEY })).toBeNull();
    expect(envServerCredentials({ ZENML_STORE_URL: '', ZENML_STORE_API_KEY: KEY })).toBeNull();
  });

  it('normalises the URL', () => {
    expect(envServerCredentials({ ZENML_STORE_URL: 'https://zenml.example.com/zenml/api/v1/', ZENML_STORE_API_KEY: KEY })).toEqual({
      server: 'https://zenml.example.com/zenml',
      apiKey: KEY,
    });
  });

  it('a bad URL is a UsageError naming the variable', () => {
    expect(() => envServerCredentials({ ZENML_STORE_URL: 'zenml.example.com' })).toThrow(UsageError);
    expect(() => envServerCredentials({ ZENML_STORE_URL: 'ftp://zenml.example.com' })).toThrow(
      'the ZENML_STORE_URL must use http or https, not ftp',
    );
  });

  it('the API key wins over a token and a username', () => {
    expect(
      envServerCredentials({
        ZENML_STORE_URL: URL,
        ZENML_STORE_API_KEY: KEY,
        ZENML_STORE_API_TOKEN: TOKEN,
        ZENML_STORE_USERNAME: 'bob',
        ZENML_STORE_PASSWORD: 'pw-fake',
      }),
    ).toEqual({ server: URL, apiKey: KEY });
  });

  it('the token wins over a username', () => {
    expect(
      envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_API_TOKEN: TOKEN, ZENML_STORE_USERNAME: 'bob', ZENML_STORE_PASSWORD: 'pw-fake' }),
    ).toEqual({ server: URL, token: TOKEN });
  });

  it('username and password', () => {
    expect(envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_USERNAME: 'bob', ZENML_STORE_PASSWORD: 'pw-fake' })).toEqual({
      server: URL,
      username: 'bob',
      password: 'pw-fake',
    });
  });

  it('a username without a password gets the empty password (local servers)', () => {
    expect(envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_USERNAME: 'default' })).toEqual({
      server: URL,
      username: 'default',
      password: '',
    });
  });

  it('empty values count as absent', () => {
    expect(
      envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_API_KEY: '', ZENML_STORE_API_TOKEN: TOKEN, ZENML_STORE_USERNAME: 'bob' }),
    ).toEqual({ server: URL, token: TOKEN });
    expect(envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_API_KEY: '', ZENML_STORE_API_TOKEN: '', ZENML_STORE_USERNAME: 'bob' })).toEqual({
      server: URL,
      username: 'bob',
      password: '',
    });
    expect(envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_USERNAME: '', ZENML_STORE_PASSWORD: 'pw-fake' })).toEqual({ server: URL });
  });

  it('a password alone is not a credential', () => {
    expect(envServerCredentials({ ZENML_STORE_URL: URL, ZENML_STORE_PASSWORD: 'pw-fake' })).toEqual({ server: URL });
  });

  it('never echoes a credential in an error', () => {
    let message = '';
    try {
      envServerCredentials({ ZENML_STORE_URL: 'ftp://zenml.example.com', ZENML_STORE_API_KEY: KEY });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message.includes('x'.repeat(20))).toBe(false);
  });
});

describe('envProCredentials', () => {
  it('null when nothing Pro is set (or only empty values)', () => {
    expect(envProCredentials({})).toBeNull();
    expect(envProCredentials({ ZENML_PRO_API_URL: '', ZENML_PRO_API_TOKEN: '', ZENML_PRO_API_KEY: '' })).toBeNull();
    expect(envProCredentials({ ZENML_STORE_API_KEY: KEY })).toBeNull();
  });

  it('the key wins over the token', () => {
    expect(envProCredentials({ ZENML_PRO_API_KEY: PRO_KEY, ZENML_PRO_API_TOKEN: TOKEN })).toEqual({ apiKey: PRO_KEY });
  });

  it('a token alone', () => {
    expect(envProCredentials({ ZENML_PRO_API_TOKEN: TOKEN })).toEqual({ token: TOKEN });
  });

  it('an empty key counts as absent', () => {
    expect(envProCredentials({ ZENML_PRO_API_KEY: '', ZENML_PRO_API_TOKEN: TOKEN })).toEqual({ token: TOKEN });
  });

  it('normalises the URL, alone or with credentials', () => {
    expect(envProCredentials({ ZENML_PRO_API_URL: 'https://cloudapi.zenml.io/' })).toEqual({ proApiUrl: 'https://cloudapi.zenml.io' });
    expect(envProCredentials({ ZENML_PRO_API_URL: 'https://staging.cloudapi.example.com//', ZENML_PRO_API_KEY: PRO_KEY })).toEqual({
      proApiUrl: 'https://staging.cloudapi.example.com',
      apiKey: PRO_KEY,
    });
  });

  it('a bad URL is a UsageError naming the variable', () => {
    expect(() => envProCredentials({ ZENML_PRO_API_URL: 'cloudapi.zenml.io' })).toThrow(UsageError);
    expect(() => envProCredentials({ ZENML_PRO_API_URL: 'cloudapi.zenml.io' })).toThrow(/^the ZENML_PRO_API_URL needs a scheme/);
  });
});

describe('envTlsSettings', () => {
  it('nothing when unset or empty', () => {
    expect(envTlsSettings({})).toEqual({});
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: '' })).toEqual({});
  });

  it.each(['false', 'False', 'FALSE', '0', 'no', 'off'])('%j turns verification off', (v) => {
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: v })).toEqual({ verifySsl: false });
  });

  it.each(['true', 'True', '1', 'yes', 'ON'])('%j turns verification on', (v) => {
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: v })).toEqual({ verifySsl: true });
  });

  it('a path is a CA bundle', () => {
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: '/etc/ssl/certs/my-ca.pem' })).toEqual({ caCert: '/etc/ssl/certs/my-ca.pem' });
  });

  it('PEM text is passed through as the CA', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: pem })).toEqual({ caCert: pem });
  });

  it('words that merely start like a boolean are paths', () => {
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: 'falsey.pem' })).toEqual({ caCert: 'falsey.pem' });
    expect(envTlsSettings({ ZENML_STORE_VERIFY_SSL: 'true.pem' })).toEqual({ caCert: 'true.pem' });
  });
});
