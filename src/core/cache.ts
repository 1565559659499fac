/**
 * A bounded map that forgets the least recently used entry first. Keeps memory flat however many texts pass through:
 * at most `capacity` entries and, with `weigh`, at most `maxWeight` in all (e.g. characters of text keys: 50,000
 * one-megabyte paragraphs must not all be kept). An entry heavier than `maxWeight` on its own is not kept.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh?: (key: K, value: V) => number,
    private readonly maxWeight = Infinity,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The summed weight of the entries (0 without `weigh`). */
  get weight(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    // Re-insert so that iteration order stays least-recent first.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh?.(key, value) ?? 0;
    if (weight > this.maxWeight) return;
    this.map.set(key, value);
    this.total += weight;
    while (this.map.size > this.capacity || this.total > this.maxWeight) this.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    if (this.weigh) this.total -= this.weigh(key, value);
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

/**
 * `entries` (remembered per key, oldest first: an object's keys keep their insertion order unless they are array
 * indices, which URIs never are) with `key` set to `value` as the newest, keeping the newest `max`; `dropped` names
 * the keys forgotten to make room. For what the extension remembers in a workspace's state per file (text columns,
 * files with live highlighting off): a workspace that passes through thousands of files keeps a bounded record.
 */
export function rememberNewest<V>(entries: Readonly<Record<string, V>>, key: string, value: V, max: number): { entries: Record<string, V>; dropped: string[] } {
  const others = Object.entries(entries).filter(([other]) => other !== key);
  const cut = Math.max(0, others.length - Math.max(0, max - 1));
  return { entries: Object.fromEntries([...others.slice(cut), [key, value]]), dropped: others.slice(0, cut).map(([other]) => other) };
}

/** Files remembered per workspace for each per-file choice (a text column; live highlighting off); the oldest go first. */
export const REMEMBERED_FILES = 1_000;
