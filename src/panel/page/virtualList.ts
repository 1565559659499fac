/// <reference lib="dom" />
/**
 * A virtualized list: only the rows in (and just around) the viewport are in the DOM, each at a fixed height, and the
 * list's own height holds the scroll range, so 15,000 rows cost the DOM a few dozen elements.
 *
 * Positions and heights are set through the CSSOM (`element.style.x = ...`), which the page's CSP allows; it forbids
 * only style attributes and elements parsed from markup.
 */
import { html } from "./dom";

/** Rows drawn beyond each edge of the viewport, so a fast scroll does not show blank space for a frame. */
const OVERSCAN = 8;
/** Rows drawn when the viewport has no height yet (hidden panel, first layout). */
const FALLBACK_ROWS = 30;

export class VirtualList {
  /** The scrolling element; put it in the page. */
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private count = 0;
  private first = -1;
  private last = -1;
  private frame = 0;

  /**
   * @param rowHeight The fixed height of a row in CSS pixels; the style sheet gives `.virtual-row` the same height.
   * @param renderRow Draws the row at a list position; it must return a focusable element (the row's button).
   */
  constructor(
    private readonly rowHeight: number,
    private readonly renderRow: (position: number) => HTMLElement,
    attrs: Record<string, string> = {},
  ) {
    this.list = html("ul", { className: "virtual-rows", attrs: { role: "list" } });
    this.element = html("div", { className: "virtual-viewport", attrs }, this.list);
    this.element.addEventListener("scroll", () => this.schedule(), { passive: true });
    this.list.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Shows `count` rows; the scroll position goes back to the top when `resetScroll`. */
  setCount(count: number, resetScroll: boolean): void {
    this.count = count;
    this.list.style.height = `${count * this.rowHeight}px`;
    if (resetScroll) this.element.scrollTop = 0;
    this.draw(true);
  }

  /** The list's scroll offset, to keep it when the page is drawn again with new results. */
  get scrollTop(): number {
    return this.element.scrollTop;
  }

  /** Scrolls to `top` (kept within the list) and draws the rows there. */
  scrollTo(top: number): void {
    this.element.scrollTop = top;
    this.draw(true);
  }

  /** Redraws the rows in view (after their content changed). */
  refresh(): void {
    this.draw(true);
  }

  /** Number of rows in the DOM now. */
  get rendered(): number {
    return this.list.childElementCount;
  }

  /** Scrolls `position` into view and focuses its row. */
  focus(position: number): void {
    if (this.count === 0) return;
    const p = Math.max(0, Math.min(this.count - 1, position));
    const top = p * this.rowHeight;
    const height = this.element.clientHeight;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (height > 0 && top + this.rowHeight > this.element.scrollTop + height) this.element.scrollTop = top + this.rowHeight - height;
    this.draw(false);
    this.rowAt(p)?.focus({ preventScroll: true });
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw(false);
    });
  }

  private draw(force: boolean): void {
    const height = this.element.clientHeight;
    const visibleRows = height > 0 ? Math.ceil(height / this.rowHeight) : FALLBACK_ROWS;
    const top = Math.floor(this.element.scrollTop / this.rowHeight);
    const first = Math.max(0, top - OVERSCAN);
    const last = Math.min(this.count, top + visibleRows + OVERSCAN);
    if (!force && first === this.first && last === this.last) return;
    const focused = this.focusedPosition();
    this.first = first;
    this.last = last;
    const rows: HTMLLIElement[] = [];
    for (let p = first; p < last; p++) {
      const item = html("li", {
        className: "virtual-row",
        attrs: { "data-pos": String(p), "aria-setsize": String(this.count), "aria-posinset": String(p + 1) },
      });
      item.style.top = `${p * this.rowHeight}px`;
      item.append(this.renderRow(p));
      rows.push(item);
    }
    this.list.replaceChildren(...rows);
    if (focused !== undefined) this.rowAt(focused)?.focus({ preventScroll: true });
  }

  private focusedPosition(): number | undefined {
    const active = document.activeElement;
    if (!active || !this.list.contains(active)) return undefined;
    const pos = active.closest("[data-pos]")?.getAttribute("data-pos");
    return pos === null || pos === undefined ? undefined : Number(pos);
  }

  private rowAt(position: number): HTMLElement | undefined {
    const item = this.list.querySelector(`[data-pos="${position}"]`);
    return (item?.firstElementChild as HTMLElement | null) ?? undefined;
  }

  /** Arrow keys, Page Up/Down, Home and End move between rows; Enter and Space are the row buttons' own. */
  private onKey(event: KeyboardEvent): void {
    const current = this.focusedPosition();
    if (current === undefined) return;
    const page = Math.max(1, Math.floor(this.element.clientHeight / this.rowHeight) - 1);
    const target: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: this.count - 1,
    };
    if (!(event.key in target)) return;
    event.preventDefault();
    this.focus(target[event.key]);
  }
}
