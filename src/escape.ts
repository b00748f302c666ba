/** Make text from untrusted files safe for a terminal: control characters become `\xNN`. */

/** Escape C0/C1 control characters (ESC, BEL, NUL, CR, ...) except tab; newlines too, so one finding stays one line. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
