/**
 * Server text is data, never terminal control. A user name, an error detail, a table cell or a
 * verification URL from a server could carry ESC sequences (clear the screen, retitle the window,
 * write the clipboard with OSC 52), a carriage return that overwrites what came before, or C1
 * controls that some terminals obey. Everything that came from a server and is printed on a
 * terminal or on stderr goes through terminalSafe(); JSON shown on a terminal goes through
 * jsonSafe(). Piped data (`call`'s body, `--json` to a pipe) stays the server's bytes.
 */

/** C0 controls except tab (and newline, decided per use), DEL, and the C1 range. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const CONTROL_BUT_NEWLINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const hex2 = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
const visible = (c: string) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${hex2(c)}`);

/**
 * Makes control characters visible (`\x1b`, `\r`, `\n`), so that they cannot act on the terminal
 * and a reader still sees that they were there. Newlines are kept only where a multi-line text
 * belongs (a description, a table cell); a message meant as one line keeps being one line.
 * Idempotent: what it returns holds no control character.
 */
export function terminalSafe(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(opts.keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL, visible);
}

/**
 * Escapes, in JSON text, the control characters JSON.stringify leaves raw (DEL and C1), the way
 * JSON writes the others (`\u009b`). Safe on any JSON.stringify output: raw control characters
 * there can only be inside strings, where an escape means the same character.
 */
export function jsonSafe(jsonText: string): string {
  return jsonText.replace(CONTROL_BUT_NEWLINE, (c) => `\\u00${hex2(c)}`);
}
