import { describe, expect, it } from 'vitest';
import { redact } from '../../src/api/redact.js';

// Obviously fake secrets, built at run time.
const FAKE_KEY = 'ZENKEY_' + 'x'.repeat(20) + '+/==';
const FAKE_PRO_KEY = 'ZENPROKEY_' + 'y'.repeat(24) + '-_';
const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const FAKE_JWT = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u({ sub: 'fake-subject', exp: 1 })}.${'s'.repeat(43)}`;

describe('redact', () => {
  it('leaves ordinary text alone', () => {
    expect(redact('GET https://zenml.example.com/api/v1/info 200')).toBe('GET https://zenml.example.com/api/v1/info 200');
    expect(redact('')).toBe('');
  });

  it('replaces a ZENKEY_ key, keeping only its prefix', () => {
    const out = redact(`password=${FAKE_KEY}&grant_type=zenml-api-key`);
    expect(out).toBe('password=ZENKEY_…[redacted]&grant_type=zenml-api-key');
  });

  it('replaces a ZENPROKEY_ key', () => {
    const out = redact(`Authorization: Bearer ${FAKE_PRO_KEY}`);
    expect(out).toBe('Authorization: Bearer ZENPROKEY_…[redacted]');
  });

  it('replaces a JWT, keeping only eyJ', () => {
    expect(FAKE_JWT.startsWith('eyJ')).toBe(true);
    const out = redact(`Bearer ${FAKE_JWT} sent`);
    expect(out).toBe('Bearer eyJ…[redacted] sent');
  });

  it('replaces a JWT with an empty signature', () => {
    const unsigned = `${b64u({ alg: 'none' })}.${b64u({ sub: 'x' })}.`;
    expect(redact(`t=${unsigned}`)).toBe('t=eyJ…[redacted]');
  });

  it('replaces every occurrence, of every kind', () => {
    const text = `${FAKE_KEY} ${FAKE_JWT} ${FAKE_PRO_KEY} again ${FAKE_KEY}`;
    const out = redact(text);
    expect(out).toBe('ZENKEY_…[redacted] eyJ…[redacted] ZENPROKEY_…[redacted] again ZENKEY_…[redacted]');
    expect(out).not.toContain('xxxx');
    expect(out).not.toContain('yyyy');
    expect(out).not.toContain('ssss');
  });

  it('replaces the extra strings it is given', () => {
    const password = 'hunter2-' + 'p'.repeat(8);
    expect(redact(`login as bob with ${password} then ${password}`, [password])).toBe('login as bob with [redacted] then [redacted]');
  });

  it('ignores empty and very short extra strings (they would shred the text)', () => {
    expect(redact('abc def', ['', 'abc'])).toBe('abc def');
    expect(redact('abcd def', ['abcd'])).toBe('[redacted] def');
  });

  it('an extra string that is a ZENKEY_ is already gone', () => {
    const out = redact(`key ${FAKE_KEY}`, [FAKE_KEY]);
    expect(out).toBe('key ZENKEY_…[redacted]');
  });

  it('nothing secret survives in a verbose log line with several secrets', () => {
    const password = 'correct-horse-' + 'z'.repeat(6);
    const line = `> POST https://h/api/v1/login (Authorization: Bearer ${FAKE_JWT}) form password=${password}&key=${FAKE_KEY}&pro=${FAKE_PRO_KEY}`;
    const out = redact(line, [password]);
    for (const secret of [password, FAKE_KEY, FAKE_PRO_KEY, FAKE_JWT]) expect(out.includes(secret)).toBe(false);
    for (const part of ['x'.repeat(20), 'y'.repeat(24), 's'.repeat(43), 'z'.repeat(6)]) expect(out.includes(part)).toBe(false);
  });

  it('does not treat a bare "eyJ" word or the key prefixes alone as secrets', () => {
    expect(redact('eyJ is how JSON looks in base64; keys start with ZENKEY_ or ZENPROKEY_')).toBe(
      'eyJ is how JSON looks in base64; keys start with ZENKEY_ or ZENPROKEY_',
    );
  });
});
