import { describe, expect, it } from 'vitest';
import { ApiError, AuthError, InterruptedError, NetworkError, StoreError, UsageError } from '../../src/errors.js';

// cli.ts starts the CLI when imported, unless told not to.
process.env.ZENML_API_NO_AUTORUN = '1';
const { fastTokenOptions, formatError, main } = await import('../../src/cli.js');

describe('fastTokenOptions', () => {
  // The same options commander gives (test/unit/fast-args.test.ts compares the two on a corpus).
  it.each([
    [['token'], {}],
    [['token', '--json'], { json: true }],
    [['token', '--profile', 'prod'], { profile: 'prod' }],
    [['token', '--profile=prod'], { profile: 'prod' }],
    [['token', '--json', '--profile', 'prod'], { json: true, profile: 'prod' }],
    [['token', '--profile', 'prod', '--json'], { profile: 'prod', json: true }],
    [['token', '--profile=a=b'], { profile: 'a=b' }],
    [['token', '--profile', 'a', '--profile', 'b'], { profile: 'b' }],
    [['token', '--expires-in', '60'], { expiresIn: '60' }],
    [['token', '--jq', '.token'], { jq: '.token' }],
  ])('%j → %j', (args, opts) => {
    expect(fastTokenOptions(args)).toEqual({ verifySsl: true, ...opts });
  });

  it.each([
    [[]],
    [['tokens']],
    [['--json', 'token']],
    [['login']],
    [['token', '--help']],
    [['token', '-h']],
    [['token', 'extra']],
    [['token', '--']],
    [['token', '--profile']],
    [['token', '--profile', '--json']],
    [['token', '--profile', '-x']],
    [['token', '--json=yes']],
    [['token', '--PROFILE', 'a']],
  ])('%j → null (left to commander)', (args) => {
    expect(fastTokenOptions(args)).toBeNull();
  });
});

describe('formatError', () => {
  it('a CliError with a hint: one line, a full stop between message and hint', () => {
    const e = new AuthError('not logged in', { hint: 'Run `zenml-api login SERVER_URL`.' });
    expect(formatError(e, false)).toBe('zenml-api: not logged in. Run `zenml-api login SERVER_URL`.');
  });

  it('no second full stop when the message already has one', () => {
    const e = new StoreError('the store is locked.', { hint: 'Wait.' });
    expect(formatError(e, false)).toBe('zenml-api: the store is locked. Wait.');
  });

  it('a CliError without a hint is its message alone', () => {
    expect(formatError(new UsageError('unknown profile "x"; known profiles: (none)'), false)).toBe(
      'zenml-api: unknown profile "x"; known profiles: (none)',
    );
    expect(formatError(new ApiError('HTTP 404: Not Found', 404, null, '{"detail":"Not Found"}'), true)).toBe('zenml-api: HTTP 404: Not Found');
    expect(formatError(new InterruptedError(), false)).toBe('zenml-api: interrupted');
  });

  it('--verbose does not change a CliError (no stack)', () => {
    const e = new NetworkError('cannot connect to h:1: connection refused', { hint: 'Is the server running, and is the URL right?' });
    const line = formatError(e, true);
    expect(line).toBe('zenml-api: cannot connect to h:1: connection refused. Is the server running, and is the URL right?');
    expect(line).not.toContain('\n');
  });

  it('an unexpected error is an internal error pointing at ZENML_API_DEBUG', () => {
    expect(formatError(new TypeError('x is not a function'), false)).toBe(
      'zenml-api: internal error: x is not a function (run with ZENML_API_DEBUG=1 for details)',
    );
  });

  it('with --verbose an unexpected error shows its stack', () => {
    const e = new Error('boom');
    const text = formatError(e, true);
    expect(text.startsWith('zenml-api: internal error: Error: boom\n')).toBe(true);
    expect(text).toContain('cli.test.ts');
  });

  it('something thrown that is not an Error', () => {
    expect(formatError('just a string', false)).toBe('zenml-api: internal error: just a string (run with ZENML_API_DEBUG=1 for details)');
    expect(formatError(null, false)).toBe('zenml-api: internal error: null (run with ZENML_API_DEBUG=1 for details)');
    expect(formatError(undefined, true)).toBe('zenml-api: internal error: undefined (run with ZENML_API_DEBUG=1 for details)');
  });
});

describe('main', () => {
  /** An Io whose stdout throws what it is given: an error no command expects. */
  function brokenIo(thrown: unknown) {
    const lines: string[] = [];
    const io = {
      stdoutIsTTY: false,
      stderrIsTTY: false,
      stdinIsTTY: false,
      color: false,
      colorErr: false,
      out: () => {
        throw thrown;
      },
      err: (line: string) => void lines.push(line),
    } as unknown as import('../../src/output/io.js').Io;
    return { io, lines };
  }

  it('an unexpected error exits non-zero (1) with one internal-error line', async () => {
    const { io, lines } = brokenIo(new TypeError('boom'));
    const code = await main(['node', 'zenml-api', '--version'], io, {});
    expect(code).toBe(1);
    expect(lines).toEqual(['zenml-api: internal error: boom (run with ZENML_API_DEBUG=1 for details)']);
  });

  it('a typed error exits with its own code', async () => {
    const { io } = brokenIo(new UsageError('bad'));
    expect(await main(['node', 'zenml-api', '--version'], io, {})).toBe(2);
  });
});
