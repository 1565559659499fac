/**
 * Keyed data from files (column names, field names, group values) read as data, never as an object's inherited
 * members: a column named `constructor` or `toString` must not read back `Object.prototype`'s function, and one named
 * `__proto__` must not set a prototype.
 */

/** The value a record holds under `key` as its own property, or undefined (never an inherited member). */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A null-prototype copy of a record: every key, `__proto__` included, an own property and nothing inherited. */
export function nullProto<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, record);
}
