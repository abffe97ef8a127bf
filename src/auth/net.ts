/** Process-wide network settings that commands pass down (flags and environment). */
export interface NetOptions {
  /** Per-request deadline, ms. */
  timeoutMs?: number;
  /** --no-verify-ssl. */
  noVerifySsl?: boolean;
  /** --verbose logger (stderr). */
  log?: (line: string) => void;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Secrets this process holds, redacted from logs. */
  secrets?: string[];
}
