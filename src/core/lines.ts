/** Line arithmetic over raw text: CRLF, LF and lone CR all end a line, as they do in VS Code. */

const LINE_BREAK = /\r\n|\r|\n/g;

/** Offsets at which each line starts; entry 0 is always 0. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(LINE_BREAK)) starts.push(match.index + match[0].length);
  return starts;
}

/** 0-based line holding `offset`, by binary search over `lineStarts`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** 1-based first and last line of a span, as reports and the panel show them. */
export function lineSpan(starts: readonly number[], span: { start: number; end: number }): { startLine: number; endLine: number } {
  return { startLine: lineAt(starts, span.start) + 1, endLine: lineAt(starts, span.end) + 1 };
}
