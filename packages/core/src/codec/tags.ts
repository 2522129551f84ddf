/**
 * The wire format of the codec's JSON tree.
 *
 * A message is JSON. Values JSON carries exactly (strings, booleans, `null`, finite numbers other
 * than `-0`, plain objects, arrays) appear as themselves. Everything else appears as a *tagged
 * node*: an object whose {@link TAG} key holds one of the {@link T} codes, plus fields:
 *
 * | code | value | fields |
 * | --- | --- | --- |
 * | `u` | `undefined` | — |
 * | `n` | `NaN`, `±Infinity`, `-0` | `v`: `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"` |
 * | `g` | BigInt | `v`: decimal string |
 * | `r` | a second reference to an object already sent | `i`: the object's number, in order of first appearance (depth first) |
 * | `G` | root wrapper present only when the message contains `r` nodes | `v`: the root |
 * | `O` | a plain object that has the tag key itself | `e`: `[key, value, key, value, …]` |
 * | `A` | ArrayBuffer | `b`: index into the binary attachments |
 * | `S` | SharedArrayBuffer (thread target only) | `i`: index into `shared` |
 * | `F` | an array of 16 or more numbers (any numbers: `NaN`, `-0`, `±Infinity` too) | `b`: index of an attachment of the numbers as float64 (the machine's byte order: both ends run on one machine) |
 * | `T` | typed array or DataView | `t`: type name; `b` (a copy) or `s` (a SharedArrayBuffer node), `o` byte offset and `l` byte length |
 * | `D` | Date | `v`: time value, `null` for an invalid date |
 * | `R` | RegExp | `s`: source, `f`: flags |
 * | `M` | Map | `e`: `[key, value, key, value, …]` |
 * | `Z` | Set | `v`: members |
 * | `E` | Error | `c`: class names, nearest first; `n` name; `m` message; `s` stack; `ca` cause; `er` errors; `p`: `[key, value, …]` own enumerable props |
 * | `H` | handle (a reducible object) | `k`: kind, `s`: state |
 * | `B` | boxed primitive (`new Number(1)` …) | `v`: the primitive |
 *
 * Every object gets its number when it is first met, before its children, in the same order on
 * both sides; this is what lets `r` nodes express shared references and cycles.
 *
 * @module
 */

/**
 * The key that marks a tagged node. User objects that have this key are sent as `O` nodes.
 *
 * @example
 * ```ts
 * encode(undefined).json; // '{"$mp":"u"}'
 * ```
 */
export const TAG = "$mp";

/**
 * The tag codes (see the module documentation for their fields).
 *
 * @example
 * ```ts
 * const node = { [TAG]: T.bigint, v: "12" }; // the encoding of 12n
 * ```
 */
export const T = {
  undef: "u",
  number: "n",
  bigint: "g",
  ref: "r",
  graph: "G",
  escaped: "O",
  buffer: "A",
  numbers: "F",
  shared: "S",
  view: "T",
  date: "D",
  regexp: "R",
  map: "M",
  set: "Z",
  error: "E",
  handle: "H",
  boxed: "B",
} as const;
