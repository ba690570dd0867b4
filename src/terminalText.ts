// Text from records, files and workers reaches a person's terminal only through
// here. Control characters become visible escapes, so a prompt cannot forge a line,
// retitle the window or clear the screen, and bidi overrides cannot reorder what
// the reader sees. JSON output needs none of this: JSON.stringify escapes controls.

// C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate marks.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** One line of inert text: every control character (newlines too) shown as an escape. */
export function neutralize(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Like `neutralize`, but keeps line breaks: for multi-line text a person reads as a block. */
export function neutralizeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => neutralize(line))
    .join('\n');
}
