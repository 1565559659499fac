/**
 * Text from files (paragraphs, cells, column names) printed to a terminal: control characters in it would be read by
 * the terminal as commands (OSC 8 links, `ESC [2J` clearing the screen, a title change, CR overwriting a line). Pure.
 */

/** C0 controls but tab and line feed, DEL, and the C1 controls (U+0080..U+009F, which some terminals obey too). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` as it may reach a terminal: control characters removed, except tab and line feed. JSON (`json`) keeps its
 * value exact instead: the controls JSON.stringify leaves raw (DEL and C1) are written as \u escapes, which read back
 * to the same string. Text that goes to a file or a pipe (`tty` false) is returned unchanged.
 */
export function terminalText(text: string, options: { tty: boolean; json?: boolean }): string {
  if (!options.tty) return text;
  if (options.json) return text.replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.replace(CONTROLS, "");
}
