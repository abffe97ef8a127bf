/**
 * Typed errors. Only src/cli.ts turns them into a message and an exit code.
 * Messages never contain secrets; they name the fix where there is one.
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 4,
  /** `exec`: the command was found but could not be run (as shells do). */
  cannotRun: 126,
  /** `exec`: no such command (as shells do). */
  notFound: 127,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** An optional second line telling the user what to do. */
  hint?: string;
  /** Items printed one per line under the message (a validation error's problems). */
  details?: string[];
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint) this.hint = options.hint;
  }
}

/** Bad flag, bad argument, unreadable input file: exit 2. */
export class UsageError extends CliError {
  readonly exitCode = ExitCode.usage;
}

/** No credentials, expired credentials that cannot be renewed, 401: exit 4. */
export class AuthError extends CliError {
  readonly exitCode = ExitCode.auth;
}

/** The server answered with an HTTP error: exit 1 (4 when it is a 401 that could not be cured). */
export class ApiError extends CliError {
  readonly exitCode: ExitCodeValue;
  constructor(
    message: string,
    readonly status: number,
    readonly errorClass: string | null,
    readonly body: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.exitCode = status === 401 ? ExitCode.auth : ExitCode.failure;
  }
}

/** Connection refused, reset, DNS, TLS, timeouts, a body that is not what a ZenML server sends: exit 1. */
export class NetworkError extends CliError {
  readonly exitCode = ExitCode.failure;
}

/** Local state problems: corrupted config, keychain failures, lock timeouts: exit 1. */
export class StoreError extends CliError {
  readonly exitCode = ExitCode.failure;
}

/** A --jq program failed on the output (jq's runtime error): exit 1. */
export class FilterError extends CliError {
  readonly exitCode = ExitCode.failure;
}

/** Ctrl-C: exit 130. */
export class InterruptedError extends CliError {
  readonly exitCode = ExitCode.interrupted;
  constructor(message = 'interrupted') {
    super(message);
  }
}

/** `exec`: the command could not be started: 127 when it was not found, 126 otherwise. */
export class CommandNotRunnable extends CliError {
  readonly exitCode: typeof ExitCode.cannotRun | typeof ExitCode.notFound;
  constructor(message: string, notFound: boolean) {
    super(message);
    this.exitCode = notFound ? ExitCode.notFound : ExitCode.cannotRun;
  }
}

/**
 * `exec`: the command ran and did not succeed. Not a CliError: there is nothing to say (the
 * command spoke for itself); the process exits with the command's status.
 */
export class ChildExited extends Error {
  constructor(readonly status: number) {
    super(`the command exited with status ${status}`);
    this.name = 'ChildExited';
  }
}

export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}
