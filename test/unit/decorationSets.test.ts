import { strict as assert } from "node:assert";
import type * as vscode from "vscode";
import { DecorationSets } from "../../src/editor/decorationSets";

/** A position, a range and an editor with what the extension host would receive; only the fields read are made. */
const at = (line: number, character: number) => ({ line, character }) as vscode.Position;
const range = (line: number, from = 0, to = 10) => ({ start: at(line, from), end: at(line, to) }) as vscode.Range;

function fakeEditor() {
  const calls: [unknown, number][] = [];
  const editor = {
    document: { version: 1 },
    setDecorations: (type: unknown, items: readonly unknown[]) => calls.push([type, items.length]),
  };
  return { editor: editor as unknown as vscode.TextEditor & { document: { version: number } }, calls };
}

describe("DecorationSets: an editor's decorations are set only when they change", () => {
  const type = { key: "a" } as unknown as vscode.TextEditorDecorationType;
  const other = { key: "b" } as unknown as vscode.TextEditorDecorationType;

  it("the same ranges and badges again are not set; another badge, range or type is", () => {
    const { editor, calls } = fakeEditor();
    const sets = new DecorationSets();
    const badge = (text: string) => [{ range: range(3), renderOptions: { after: { contentText: text } } }];
    assert.equal(sets.set(editor, type, badge("▼ negative 90%")), true);
    assert.equal(sets.set(editor, type, badge("▼ negative 90%")), false);
    assert.equal(sets.set(editor, type, badge("▼ negative 91%")), true);
    assert.equal(sets.set(editor, type, [{ range: range(4), renderOptions: { after: { contentText: "▼ negative 91%" } } }]), true);
    assert.equal(sets.set(editor, other, [range(4)]), true);
    assert.equal(sets.set(editor, other, [range(4)]), false);
    assert.equal(sets.set(editor, other, [range(4, 0, 11)]), true);
    assert.equal(calls.length, 5);
  });

  it("after an edit (a new document version) the same ranges are set again: VS Code has moved the old ones", () => {
    const { editor, calls } = fakeEditor();
    const sets = new DecorationSets();
    sets.set(editor, type, [range(1)]);
    editor.document.version = 2;
    assert.equal(sets.set(editor, type, [range(1)]), true);
    assert.equal(calls.length, 2);
  });

  it("clearing goes through it too: the ranges set before the clear are set again after it", () => {
    const { editor, calls } = fakeEditor();
    const sets = new DecorationSets();
    sets.set(editor, type, [range(1)]);
    assert.equal(sets.set(editor, type, []), true, "cleared");
    assert.equal(sets.set(editor, type, [range(1)]), true, "the same ranges as before the clear are set again");
    assert.equal(calls.length, 3);
  });
});
