/**
 * One message from any ZenML or Pro error body (docs/zenml-api.md §5).
 * Pure: no I/O, no secrets handling beyond what the caller passes in.
 */

export interface ParsedError {
  /** The server's error class (`KeyError`, `CredentialsNotValid`, `authorization_pending`…), or null. */
  errorClass: string | null;
  /** The message, without the class. */
  message: string;
  /** True when the body was JSON. */
  json: boolean;
  /** The parsed body, when it was JSON. */
  value?: unknown;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function stripOneQuotePair(s: string): string {
  if (s.length >= 2) {
    const first = s[0];
    if ((first === "'" || first === '"') && s[s.length - 1] === first) return s.slice(1, -1);
  }
  return s;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
}

const collapse = (s: string) => s.trim().replace(/\s*\n\s*/g, '; ');

/** Reduce an HTML page to a short hint of what it was. */
export function describeHtml(text: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1]?.trim();
  const what = title || h1;
  return what ? `an HTML page ("${what.slice(0, 80)}")` : 'an HTML page';
}

export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (contentType && /text\/html/i.test(contentType)) return true;
  return /^\s*<(!doctype|html|head|body)/i.test(text);
}

export function parseErrorBody(status: number, text: string, contentType?: string): ParsedError {
  const parsed = tryJson(text);
  if (!parsed.ok) {
    if (looksLikeHtml(text, contentType)) {
      return { errorClass: null, message: `${describeHtml(text)}, not a ZenML API response`, json: false };
    }
    const snippet = collapse(text.slice(0, 300));
    return { errorClass: null, message: snippet === '' ? '(empty body)' : snippet, json: false };
  }
  const j = parsed.value;
  let cls: string | null = null;
  let args: string[] = [];
  if (isStringArray(j)) {
    [cls, ...args] = j as [string, ...string[]];
  } else if (j !== null && typeof j === 'object' && !Array.isArray(j)) {
    const o = j as Record<string, unknown>;
    const detail = o.detail;
    if (isStringArray(detail)) {
      [cls, ...args] = detail as [string, ...string[]];
    } else if (Array.isArray(detail) && detail.every((e) => e !== null && typeof e === 'object')) {
      args = [
        detail
          .map((e: Record<string, unknown>) => {
            const loc = Array.isArray(e.loc) ? e.loc.join('.') : '';
            return `${loc}: ${String(e.msg ?? '')}`;
          })
          .join('; '),
      ];
    } else if (typeof detail === 'string') {
      args = [detail];
    } else if (typeof o.error === 'string') {
      cls = o.error;
      args = [typeof o.error_description === 'string' ? o.error_description : ''];
    } else if (typeof o.message === 'string') {
      args = [o.message];
    } else {
      args = [collapse(text.slice(0, 300))];
    }
  } else {
    args = [collapse(text.slice(0, 300))];
  }
  let message = args.filter((a) => a !== '').join(': ');
  if (cls === 'KeyError') message = stripOneQuotePair(message);
  message = collapse(message);
  return { errorClass: cls, message: message === '' && !cls ? `HTTP ${status}` : message, json: true, value: j };
}

/** `KeyError: No service account …` or the bare message. */
export function formatParsedError(p: ParsedError): string {
  if (p.errorClass && p.message) return `${p.errorClass}: ${p.message}`;
  return p.errorClass ?? p.message;
}
