/**
 * Readable paths into a value, for error messages: `args[1].handler`, `value.m<key "a">`.
 * Segments are only formatted when an error is reported, never on the fast path.
 *
 * @module
 */

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const maxShown = 40;

function quote(text: string): string {
  return JSON.stringify(text.length > maxShown ? `${text.slice(0, maxShown)}…` : text);
}

/**
 * The segment for an object property: `.name`, or `["odd key"]`.
 *
 * @example
 * ```ts
 * keySegment("handler"); // ".handler"
 * keySegment("a b");     // '["a b"]'
 * ```
 */
export function keySegment(key: string): string {
  return identifier.test(key) ? `.${key}` : `[${quote(key)}]`;
}

/**
 * The segment for an array element: `[3]`.
 *
 * @example
 * ```ts
 * indexSegment(3); // "[3]"
 * ```
 */
export function indexSegment(index: number): string {
  return `[${index}]`;
}

/**
 * The segment for the value stored in a Map entry: `<key "a">` for a primitive key, otherwise
 * `<entry #2 value>` (entries counted from 0 in insertion order).
 *
 * @example
 * ```ts
 * mapValueSegment("a", 0);  // '<key "a">'
 * mapValueSegment({}, 2);   // "<entry #2 value>"
 * ```
 */
export function mapValueSegment(key: unknown, entry: number): string {
  switch (typeof key) {
    case "string":
      return `<key ${quote(key)}>`;
    case "number":
    case "boolean":
    case "undefined":
      return `<key ${String(key)}>`;
    case "bigint":
      return `<key ${String(key)}n>`;
    default:
      return key === null ? "<key null>" : `<entry #${entry} value>`;
  }
}

/**
 * The segment for a Map entry's key itself: `<entry #2 key>`.
 *
 * @example
 * ```ts
 * mapKeySegment(2); // "<entry #2 key>"
 * ```
 */
export function mapKeySegment(entry: number): string {
  return `<entry #${entry} key>`;
}

/**
 * The segment for a Set member: `<member #1>` (counted from 0 in insertion order).
 *
 * @example
 * ```ts
 * setMemberSegment(1); // "<member #1>"
 * ```
 */
export function setMemberSegment(member: number): string {
  return `<member #${member}>`;
}

/**
 * The segment for a handle's reduced state: `<state of "kind">`.
 *
 * @example
 * ```ts
 * handleStateSegment("@multiproc/ipc:Queue"); // '<state of "@multiproc/ipc:Queue">'
 * ```
 */
export function handleStateSegment(kind: string): string {
  return `<state of ${quote(kind)}>`;
}
