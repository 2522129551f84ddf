import { spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decode,
  decodeFromBytes,
  DeserializationError,
  encode,
  type Encoded,
  encodeToBytes,
  reduceSymbol,
  registerErrorClass,
  registerHandle,
  RegistrationError,
  SerializationError,
  type Target,
  UnknownHandleError,
} from "../src/codec/index.ts";
import { allocateScratch, copyMessageParts, isScratch, keepScratch, packMessage, packSmallInteger, smallIntegerIn, unpackMessage } from "../src/codec/bytes.ts";
import { packNumbers } from "../src/codec/encode.ts";

/** The three ways a value travels: thread target, process target, and the process byte layout. */
const paths: ReadonlyArray<readonly [string, (v: unknown) => unknown]> = [
  ["encode/decode (thread)", (v) => decode(encode(v, { target: "thread" }))],
  ["encode/decode (process)", (v) => decode(encode(v, { target: "process" }))],
  ["encodeToBytes/decodeFromBytes", (v) => decodeFromBytes(encodeToBytes(v))],
];

/** Round-trips `value` along every path and runs `check` on each result. */
function eachPath(value: unknown, check: (back: unknown, path: string) => void): void {
  for (const [name, roundTrip] of paths) check(roundTrip(value), name);
}

/** The SerializationError `fn` throws (fails the test if it throws nothing or something else). */
function serializationError(fn: () => unknown): SerializationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    return e as SerializationError;
  }
  throw new Error("expected a SerializationError, but nothing was thrown");
}

function deserializationError(fn: () => unknown): DeserializationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DeserializationError);
    return e as DeserializationError;
  }
  throw new Error("expected a DeserializationError, but the input decoded");
}

describe("primitives", () => {
  const values: unknown[] = [
    undefined,
    null,
    true,
    false,
    0,
    42,
    -1.5,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0n,
    -123n,
    2n ** 100n,
    "",
    "hello",
    "é€😀 \u0000 \n \"quoted\"",
    "lone \ud800 surrogate \udc00",
    "$mp",
    "x".repeat(40), // longer than the characters-one-at-a-time decoding of short texts
    "y".repeat(2000), // longer than the JavaScript decoding of short texts
    "é".repeat(20),
    "€😀".repeat(700),
  ];
  for (const v of values) {
    it(`round-trips ${typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : String(v)}`, () => {
      eachPath(v, (back, path) => expect(Object.is(back, v), `${path}: got ${String(back)}`).toBe(true));
      // ... and inside containers, where JSON would lose them (undefined, NaN → null, -0 → 0).
      eachPath({ v, a: [v] }, (back) => {
        const b = back as { v: unknown; a: unknown[] };
        expect(Object.is(b.v, v)).toBe(true);
        expect(Object.is(b.a[0], v)).toBe(true);
      });
    });
  }
});

describe("objects and arrays", () => {
  it("round-trips nested plain data, and plain data is sent as plain JSON", () => {
    const v = { a: 1, b: [1, "two", { c: null, d: [true, false] }], e: { f: { g: "deep" } }, "a b": 2, "1": 3 };
    eachPath(v, (back) => expect(back).toEqual(v));
    expect(encode(v).json).toBe(JSON.stringify(v));
  });

  it("keeps keys whose value is undefined", () => {
    eachPath({ u: undefined, x: 1 }, (back) => {
      expect(Object.keys(back as object)).toEqual(["u", "x"]);
      expect((back as { u: unknown }).u).toBeUndefined();
    });
  });

  it("sends array holes as undefined (documented difference from structured clone)", () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    eachPath(sparse, (back) => {
      const b = back as unknown[];
      expect(b).toHaveLength(3);
      expect(1 in b).toBe(true);
      expect(b[1]).toBeUndefined();
      expect(b[2]).toBe(3);
    });
  });

  it("sends a long array of numbers as one float64 attachment, every number exact", () => {
    const numbers = [0, -0, 1.5, -2, NaN, Infinity, -Infinity, 2 ** 53, Number.MIN_VALUE, Number.MAX_VALUE];
    while (numbers.length < 40) numbers.push(numbers.length * 7.25);
    eachPath(numbers, (back) => {
      expect(back).toEqual(numbers);
      expect(Array.isArray(back)).toBe(true);
      expect(Object.is((back as number[])[1], -0)).toBe(true);
    });
    const msg = encode(numbers);
    expect(msg.json).toBe('{"$mp":"F","b":0}');
    expect(msg.bins[0]!.byteLength).toBe(8 * numbers.length);
  });

  it("walks a long array item by item when one item is not a number (or is a hole)", () => {
    const mixed = Array.from({ length: 20 }, (_, i) => (i === 19 ? "last" : i));
    // eslint-disable-next-line no-sparse-arrays
    const holey = [...mixed.slice(0, 19), , 20];
    for (const v of [mixed, holey]) {
      eachPath(v, (back) => expect(back).toEqual(v.map((x) => x)));
      expect(encode(v).bins).toHaveLength(0);
    }
    expect(encode([1, 2, 3]).json).toBe("[1,2,3]"); // short arrays stay plain JSON
  });

  it("keeps one array of numbers referenced twice as one array", () => {
    const numbers = Array.from({ length: 16 }, (_, i) => i);
    eachPath({ a: numbers, b: [numbers, { c: numbers }] }, (back) => {
      const b = back as { a: number[]; b: [number[], { c: number[] }] };
      expect(b.a).toEqual(numbers);
      expect(b.b[0]).toBe(b.a);
      expect(b.b[1].c).toBe(b.a);
    });
  });

  it("does not send extra non-index properties of arrays (documented)", () => {
    const arr = Object.assign([1, 2], { extra: "x" });
    eachPath(arr, (back) => {
      expect(back).toEqual([1, 2]);
      expect(Object.keys(back as object)).toEqual(["0", "1"]);
    });
  });

  it("keeps an own __proto__ key as data, without touching any prototype", () => {
    const v = JSON.parse('{"__proto__": {"polluted": 1}, "x": {"__proto__": [1]}}') as Record<string, unknown>;
    eachPath(v, (back) => {
      const b = back as Record<string, unknown>;
      expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
      expect(Object.hasOwn(b, "__proto__")).toBe(true);
      expect(Object.getOwnPropertyDescriptor(b, "__proto__")?.value).toEqual({ polluted: 1 });
      const x = b.x as object;
      expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(x, "__proto__")?.value).toEqual([1]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it("sends a null-prototype object as a plain object", () => {
    const v = Object.assign(Object.create(null) as object, { a: 1 });
    eachPath(v, (back) => {
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(back).toEqual({ a: 1 });
    });
  });

  it("sends class instances as plain objects of their own enumerable properties (documented)", () => {
    class Account {
      #secret = "pin";
      owner = "ada";
      balance = 10;
      get doubled() {
        return this.balance * 2;
      }
      deposit(n: number) {
        this.balance += n;
      }
      reveal() {
        return this.#secret;
      }
    }
    const acct = new Account();
    Object.defineProperty(acct, "hidden", { value: 1, enumerable: false });
    (acct as unknown as Record<symbol, number>)[Symbol("s")] = 2;
    eachPath(acct, (back) => {
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(back).toEqual({ owner: "ada", balance: 10 });
      expect(Object.getOwnPropertySymbols(back as object)).toEqual([]);
    });
  });
});

describe("built-in types", () => {
  it("round-trips Map and Set with any keys, in insertion order", () => {
    const key = { k: 1 };
    const m = new Map<unknown, unknown>([
      ["a", 1],
      [key, [2]],
      [3n, new Map([[NaN, "nan"]])],
      [undefined, new Set([1, "1", { x: 1 }])],
    ]);
    eachPath(m, (back) => {
      const b = back as Map<unknown, unknown>;
      expect(b).toBeInstanceOf(Map);
      expect([...b.keys()]).toEqual(["a", { k: 1 }, 3n, undefined]);
      expect(b.get("a")).toBe(1);
      expect(b.get(3n)).toEqual(new Map([[NaN, "nan"]]));
      expect((b.get(3n) as Map<number, string>).get(NaN)).toBe("nan");
      const s = b.get(undefined) as Set<unknown>;
      expect(s).toBeInstanceOf(Set);
      expect([...s]).toEqual([1, "1", { x: 1 }]);
    });
  });

  it("round-trips dates, including an invalid one", () => {
    eachPath([new Date(0), new Date(8.64e15), new Date(Number.NaN)], (back) => {
      const [a, b, c] = back as Date[];
      expect(a).toBeInstanceOf(Date);
      expect(a!.getTime()).toBe(0);
      expect(b!.getTime()).toBe(8.64e15);
      expect(c).toBeInstanceOf(Date);
      expect(Number.isNaN(c!.getTime())).toBe(true);
    });
  });

  it("round-trips RegExp source and flags, with lastIndex reset to 0", () => {
    const re = /a(b+)\/c/dgimsuy;
    re.lastIndex = 3;
    eachPath([re, new RegExp("[\\u{1F600}]", "v")], (back) => {
      const [b, v] = back as RegExp[];
      expect(b).toBeInstanceOf(RegExp);
      expect(b!.source).toBe(re.source);
      expect(b!.flags).toBe(re.flags);
      expect(b!.lastIndex).toBe(0);
      expect(v!.flags).toBe("v");
    });
  });

  it("round-trips boxed primitives", () => {
    const boxes = [new Number(-0), new Number(Number.NaN), new String("s"), new Boolean(false), Object(5n) as object];
    eachPath(boxes, (back) => {
      const b = back as Array<{ valueOf(): unknown }>;
      expect(b[0]).toBeInstanceOf(Number);
      expect(Object.is(b[0]!.valueOf(), -0)).toBe(true);
      expect(Number.isNaN(b[1]!.valueOf())).toBe(true);
      expect(b[2]).toBeInstanceOf(String);
      expect(b[2]!.valueOf()).toBe("s");
      expect(b[3]).toBeInstanceOf(Boolean);
      expect(b[3]!.valueOf()).toBe(false);
      expect(typeof b[4]).toBe("object");
      expect(b[4]!.valueOf()).toBe(5n);
    });
  });

  it("round-trips an ArrayBuffer as a copy", () => {
    const ab = new Uint8Array([1, 2, 3, 250]).buffer;
    eachPath(ab, (back) => {
      expect(back).toBeInstanceOf(ArrayBuffer);
      expect(back).not.toBe(ab);
      expect([...new Uint8Array(back as ArrayBuffer)]).toEqual([1, 2, 3, 250]);
    });
    eachPath(new ArrayBuffer(0), (back) => expect((back as ArrayBuffer).byteLength).toBe(0));
  });

  const numeric = [
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
  ];
  const g = globalThis as unknown as Record<string, new (values: unknown[]) => ArrayBufferView & ArrayLike<unknown>>;
  // Float16Array is newer than the others; it is tested where the runtime has it.
  const available = [...numeric, ...("Float16Array" in g ? ["Float16Array"] : [])];
  for (const name of [...available, "BigInt64Array", "BigUint64Array"]) {
    it(`round-trips a ${name} slice with its own offset and length`, () => {
      const big = name.startsWith("Big");
      const source = new g[name]!(big ? [1n, 2n, -3n, 4n, 5n] : [1, 2, -3, 4.5, 5]);
      const slice = (source as unknown as { subarray(a: number, b: number): ArrayBufferView & ArrayLike<unknown> }).subarray(1, 4);
      eachPath(slice, (back) => {
        const b = back as ArrayBufferView & ArrayLike<unknown>;
        expect(b.constructor).toBe(g[name]);
        expect(b.byteOffset).toBe(0);
        expect(b.length).toBe(3);
        expect(b.buffer.byteLength).toBe(b.byteLength);
        expect(Array.from(b)).toEqual(Array.from(slice));
      });
    });
  }

  it("round-trips a DataView window of a larger buffer", () => {
    const bytes = new Uint8Array([9, 9, 1, 2, 3, 4, 9]);
    const dv = new DataView(bytes.buffer, 2, 4);
    eachPath(dv, (back) => {
      const b = back as DataView;
      expect(b).toBeInstanceOf(DataView);
      expect(b.byteOffset).toBe(0);
      expect(b.byteLength).toBe(4);
      expect(b.getUint32(0)).toBe(0x01020304);
    });
  });

  it("sends a Node Buffer as a Uint8Array of just its bytes (no pool memory)", () => {
    const buf = Buffer.from("hello");
    expect(buf.buffer.byteLength).toBeGreaterThanOrEqual(5);
    eachPath(buf, (back) => {
      const b = back as Uint8Array;
      expect(b.constructor).toBe(Uint8Array);
      expect(b.buffer.byteLength).toBe(5);
      expect(new TextDecoder().decode(b)).toBe("hello");
    });
  });
});

describe("errors", () => {
  const builtins = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
  for (const Ctor of builtins) {
    it(`revives a ${Ctor.name} as its class with name, message and stack`, () => {
      const e = new Ctor("went wrong");
      eachPath(e, (back) => {
        const b = back as Error;
        expect(b).toBeInstanceOf(Ctor);
        expect(b.constructor).toBe(Ctor);
        expect(b.name).toBe(Ctor.name);
        expect(b.message).toBe("went wrong");
        expect(b.stack).toBe(e.stack);
      });
    });
  }

  it("revives AggregateError with its errors", () => {
    const agg = new AggregateError([new RangeError("r"), "plain", { x: 1 }], "several");
    eachPath(agg, (back) => {
      const b = back as AggregateError;
      expect(b).toBeInstanceOf(AggregateError);
      expect(b.message).toBe("several");
      expect(b.errors).toHaveLength(3);
      expect(b.errors[0]).toBeInstanceOf(RangeError);
      expect((b.errors[0] as Error).message).toBe("r");
      expect(b.errors.slice(1)).toEqual(["plain", { x: 1 }]);
      expect(Object.keys(b)).not.toContain("errors");
    });
  });

  it("carries cause recursively, Error or not", () => {
    const root = new Error("outer", { cause: new TypeError("middle", { cause: { code: 7, when: new Date(1) } }) });
    eachPath(root, (back) => {
      const b = back as Error & { cause: Error & { cause: { code: number; when: Date } } };
      expect(b.cause).toBeInstanceOf(TypeError);
      expect(b.cause.message).toBe("middle");
      expect(b.cause.cause.code).toBe(7);
      expect(b.cause.cause.when.getTime()).toBe(1);
      expect(Object.keys(b)).not.toContain("cause");
      expect(Object.hasOwn(b, "cause")).toBe(true);
    });
    eachPath(new Error("no cause"), (back) => expect(Object.hasOwn(back as object, "cause")).toBe(false));
    eachPath(new Error("undefined cause", { cause: undefined }), (back) => {
      expect(Object.hasOwn(back as object, "cause")).toBe(true);
      expect((back as Error).cause).toBeUndefined();
    });
  });

  it("carries own enumerable extra properties such as code", () => {
    const e = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", errno: -2, path: "/x", info: { n: 1n } });
    eachPath(e, (back) => {
      const b = back as Error & Record<string, unknown>;
      expect(b.code).toBe("ENOENT");
      expect(b.errno).toBe(-2);
      expect(b.path).toBe("/x");
      expect(b.info).toEqual({ n: 1n });
      expect(Object.keys(b)).toEqual(["code", "errno", "path", "info"]);
    });
  });

  it("revives a registered class without calling its constructor", () => {
    let constructed = 0;
    class HttpError extends Error {
      status: number;
      constructor(status: number) {
        super(`HTTP ${status}`);
        constructed++;
        this.name = "HttpError";
        this.status = status;
      }
      get retryable() {
        return this.status >= 500;
      }
    }
    registerErrorClass(HttpError);
    registerErrorClass(HttpError); // the same class again is a no-op
    const e = new HttpError(503);
    eachPath(e, (back) => {
      const b = back as HttpError;
      expect(b).toBeInstanceOf(HttpError);
      expect(b).toBeInstanceOf(Error);
      expect(b.name).toBe("HttpError");
      expect(b.message).toBe("HTTP 503");
      expect(b.status).toBe(503);
      expect(b.retryable).toBe(true);
      expect(b.stack).toBe(e.stack);
    });
    expect(constructed).toBe(1);
  });

  it("revives an unknown class as Error with the original name", () => {
    class NotRegistered extends Error {
      override name = "NotRegistered";
    }
    eachPath(new NotRegistered("x"), (back) => {
      const b = back as Error;
      expect(b.constructor).toBe(Error);
      expect(b.name).toBe("NotRegistered");
      expect(b.message).toBe("x");
    });
  });

  it("revives an unknown subclass of a built-in error as that built-in (nearest known ancestor)", () => {
    class ConfigError extends TypeError {}
    eachPath(new ConfigError("bad config"), (back) => {
      const b = back as Error;
      expect(b.constructor).toBe(TypeError);
      expect(b.name).toBe("TypeError"); // ConfigError sets no name of its own
      expect(b.message).toBe("bad config");
    });
  });

  it("rejects invalid or conflicting error class registrations", () => {
    class Plain {}
    expect(() => registerErrorClass(Plain as unknown as new () => Error)).toThrow(RegistrationError);
    const Shadow = class TypeError extends Error {};
    expect(() => registerErrorClass(Shadow)).toThrow(/already registered \(a built-in error class\)/);
    const first = class DupError extends Error {};
    const second = class DupError extends Error {};
    registerErrorClass(first);
    expect(() => registerErrorClass(second)).toThrow(/another class named "DupError"/);
  });

  it("keeps an error that is its own cause", () => {
    const e = new Error("loop") as Error & { cause?: unknown };
    e.cause = e;
    eachPath(e, (back) => expect((back as Error).cause).toBe(back));
  });
});

describe("shared references and cycles", () => {
  it("keeps two references to one object as one object", () => {
    const shared = { n: 1 };
    const bytes = new Uint8Array([1]);
    const v = { x: shared, y: shared, list: [shared, bytes, bytes] };
    eachPath(v, (back) => {
      const b = back as { x: object; y: object; list: unknown[] };
      expect(b.x).toBe(b.y);
      expect(b.list[0]).toBe(b.x);
      expect(b.list[1]).toBe(b.list[2]);
    });
  });

  it("keeps cycles through objects, arrays, Maps, Sets and errors", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    const arr: unknown[] = [1];
    arr.push(arr);
    const m = new Map<unknown, unknown>();
    m.set(m, m);
    const s = new Set<unknown>();
    s.add(s);
    const e = new Error("e") as Error & { code?: unknown };
    e.code = { error: e };
    a.all = [arr, m, s, e];
    eachPath(a, (back) => {
      const b = back as typeof a & { all: [unknown[], Map<unknown, unknown>, Set<unknown>, Error & { code: { error: unknown } }] };
      expect(b.self).toBe(b);
      const [arr2, m2, s2, e2] = b.all;
      expect(arr2[1]).toBe(arr2);
      expect(m2.get(m2)).toBe(m2);
      expect(s2.has(s2)).toBe(true);
      expect(e2.code.error).toBe(e2);
    });
  });

  it("refuses a value nested deeper than the stack allows, with a clear error instead of a RangeError", () => {
    let list: { next: unknown } | null = null;
    for (let i = 0; i < 200_000; i++) list = { next: list };
    const err = serializationError(() => encode(list, { path: "args" }));
    expect(err.path).toBe("args");
    expect(err.message).toMatch(/nested too deeply/);
  });

  it("keeps a long chain without references as plain JSON", () => {
    let list: { next: unknown; i: number } | null = null;
    for (let i = 0; i < 1000; i++) list = { next: list, i };
    const msg = encode(list);
    expect(msg.json.startsWith('{"next":')).toBe(true);
    const back = decode(msg) as { i: number };
    expect(back.i).toBe(999);
  });
});

describe("tag-key escaping", () => {
  it("round-trips objects that use the codec's tag key", () => {
    const tricky = [
      { $mp: "u" },
      { $mp: "r", i: 0 },
      { $mp: { $mp: "n", v: "NaN" }, other: [{ $mp: "G", v: 1 }] },
      { $mp: undefined },
      new Map([["$mp", { $mp: "M", e: [] }]]),
    ];
    eachPath(tricky, (back) => {
      const b = back as unknown[];
      expect(b[0]).toEqual({ $mp: "u" });
      expect(b[1]).toEqual({ $mp: "r", i: 0 });
      expect(b[2]).toEqual({ $mp: { $mp: "n", v: "NaN" }, other: [{ $mp: "G", v: 1 }] });
      expect(Object.keys(b[3] as object)).toEqual(["$mp"]);
      expect((b[4] as Map<string, unknown>).get("$mp")).toEqual({ $mp: "M", e: [] });
    });
  });

  it("escapes the tag key in class instances, error properties and cycles", () => {
    class Tagged {
      $mp = "instance";
    }
    const o: Record<string, unknown> = { $mp: "E", __proto__x: 1 };
    o.self = o;
    const e = Object.assign(new Error("x"), { $mp: "H" });
    eachPath([new Tagged(), o, e], (back) => {
      const [t, o2, e2] = back as [Record<string, unknown>, Record<string, unknown>, Error & { $mp: string }];
      expect(t).toEqual({ $mp: "instance" });
      expect(o2.$mp).toBe("E");
      expect(o2.self).toBe(o2);
      expect(e2.$mp).toBe("H");
    });
  });
});

class Point {
  static reductions = 0;
  x: number;
  y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  [reduceSymbol](target: Target) {
    Point.reductions++;
    return { kind: "test/codec:Point", state: { xy: [this.x, this.y], target, extra: new Map([["m", new Date(3)]]) } };
  }
}
registerHandle("test/codec:Point", (state) => {
  const s = state as { xy: [number, number]; target: Target; extra: Map<string, Date> };
  return Object.assign(new Point(...s.xy), { seenTarget: s.target, extra: s.extra });
});

class Cell {
  readonly memory: SharedArrayBuffer;
  readonly inner: Point;
  constructor(memory: SharedArrayBuffer) {
    this.memory = memory;
    this.inner = new Point(1, 2);
  }
  [reduceSymbol](target: Target) {
    if (target === "process") return { kind: "test/codec:Cell", state: { remote: true } };
    return { kind: "test/codec:Cell", state: { memory: this.memory, inner: this.inner } };
  }
}
registerHandle("test/codec:Cell", (state) => state);

describe("handles", () => {
  it("reduces with the target and revives through the registered kind", () => {
    eachPath(new Point(3, 4), (back, path) => {
      const b = back as Point & { seenTarget: Target; extra: Map<string, Date> };
      expect(b).toBeInstanceOf(Point);
      expect([b.x, b.y]).toEqual([3, 4]);
      expect(b.seenTarget).toBe(path.includes("thread") ? "thread" : "process");
      expect(b.extra.get("m")?.getTime()).toBe(3);
    });
  });

  it("reduces a handle sent twice once and revives it as one object", () => {
    const p = new Point(0, 0);
    const before = Point.reductions;
    const back = decode(encode([p, { again: p }])) as [Point, { again: Point }];
    expect(Point.reductions - before).toBe(1);
    expect(back[0]).toBe(back[1].again);
  });

  it("encodes a handle's state recursively: SharedArrayBuffers and nested handles", () => {
    const memory = new SharedArrayBuffer(16);
    const msg = encode(new Cell(memory), { target: "thread" });
    expect(msg.shared).toEqual([memory]);
    const back = decode(msg) as { memory: SharedArrayBuffer; inner: Point };
    expect(back.memory).toBe(memory);
    expect(back.inner).toBeInstanceOf(Point);
    expect(decodeFromBytes(encodeToBytes(new Cell(memory)))).toEqual({ remote: true });
  });

  it("sends a callable handle (a function with a reduce method)", () => {
    const fn = Object.assign(() => 1, {
      [reduceSymbol]: () => ({ kind: "test/codec:Point", state: { xy: [5, 6], target: "thread", extra: new Map() } }),
    });
    eachPath({ fn }, (back) => expect((back as { fn: Point }).fn.x).toBe(5));
  });

  it("names the kind and the module to import when a kind is not registered", () => {
    const thing = { [reduceSymbol]: () => ({ kind: "@example/widgets:Widget", state: null }) };
    for (const [, roundTrip] of paths) {
      let caught: unknown;
      try {
        roundTrip({ thing });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(UnknownHandleError);
      expect(caught).toBeInstanceOf(DeserializationError);
      expect((caught as UnknownHandleError).kind).toBe("@example/widgets:Widget");
      expect((caught as Error).message).toMatch(/kind "@example\/widgets:Widget".*Import "@example\/widgets"/);
    }
    const bare = { [reduceSymbol]: () => ({ kind: "Gadget", state: null }) };
    expect(() => decode(encode(bare))).toThrow(/registerHandle\("Gadget"/);
  });

  it("refuses a duplicate or invalid registration", () => {
    expect(() => registerHandle("test/codec:Point", (s) => s)).toThrow(RegistrationError);
    expect(() => registerHandle("test/codec:Point", (s) => s)).toThrow(/already registered/);
    expect(() => registerHandle("", (s) => s)).toThrow(RegistrationError);
    expect(() => registerHandle("test/codec:NoFn", 1 as unknown as (s: unknown) => unknown)).toThrow(RegistrationError);
  });

  it("rejects a reduce method that returns no kind, with the path", () => {
    const broken = { [reduceSymbol]: () => ({ state: 1 }) };
    const err = serializationError(() => encode({ list: [broken] }));
    expect(err.path).toBe("value.list[0]");
    expect(err.message).toMatch(/did not return \{ kind: string, state \}/);
  });

  it("reports a path inside a handle's state", () => {
    const h = { [reduceSymbol]: () => ({ kind: "test/codec:Point", state: { cb: () => 1 } }) };
    expect(serializationError(() => encode({ h })).path).toBe('value.h<state of "test/codec:Point">.cb');
  });
});

describe("SharedArrayBuffer", () => {
  it("passes SharedArrayBuffers and views over them by reference with target thread", () => {
    const sab = new SharedArrayBuffer(16);
    const view = new Int32Array(sab, 4, 2);
    const msg = encode({ sab, view, again: sab }, { target: "thread" });
    expect(msg.shared).toEqual([sab]);
    expect(msg.bins).toEqual([]);
    const back = decode(msg) as { sab: SharedArrayBuffer; view: Int32Array; again: SharedArrayBuffer };
    expect(back.sab).toBe(sab);
    expect(back.again).toBe(sab);
    expect(back.view).toBeInstanceOf(Int32Array);
    expect([back.view.byteOffset, back.view.length]).toEqual([4, 2]);
    back.view[0] = 7; // writes are visible both ways
    expect(view[0]).toBe(7);
    view[1] = 9;
    expect(back.view[1]).toBe(9);
  });

  it("refuses SharedArrayBuffers with target process, pointing to Value/Array or the thread context", () => {
    const sab = new SharedArrayBuffer(8);
    for (const attempt of [
      () => encode({ buf: sab }, { target: "process" }),
      () => encode({ buf: sab }), // process is the default target
      () => encodeToBytes({ buf: sab }),
    ]) {
      const err = serializationError(attempt);
      expect(err.path).toBe("value.buf");
      expect(err.message).toMatch(/SharedArrayBuffer cannot cross OS processes/);
      expect(err.message).toMatch(/Value\/Array/);
      expect(err.message).toMatch(/"thread" context/);
    }
    const viewErr = serializationError(() => encode([new Float64Array(sab)], { target: "process" }));
    expect(viewErr.path).toBe("value[0]");
    expect(viewErr.message).toMatch(/Float64Array over a SharedArrayBuffer/);
  });
});

describe("unserialisable values", () => {
  it("names the path and the fix for a function", () => {
    const err = serializationError(() => encode([1, { handler: () => {} }], { path: "args" }));
    expect(err.name).toBe("SerializationError");
    expect(err).toBeInstanceOf(TypeError);
    expect(err.path).toBe("args[1].handler");
    expect(err.message).toBe(
      "cannot send args[1].handler: function is not serialisable. Pass data, or a task(...) reference.",
    );
  });

  it('starts paths at "value" by default and quotes odd keys', () => {
    expect(serializationError(() => encode(() => 1)).path).toBe("value");
    expect(serializationError(() => encode({ "a b": { "0": [Symbol("s")] } })).path).toBe('value["a b"]["0"][0]');
  });

  it("gives Map keys/values and Set members readable paths", () => {
    const fn = () => {};
    expect(serializationError(() => encode({ m: new Map([["a", fn]]) })).path).toBe('value.m<key "a">');
    expect(serializationError(() => encode({ m: new Map<unknown, unknown>([[1, 1], [2, fn]]) })).path).toBe("value.m<key 2>");
    expect(serializationError(() => encode({ m: new Map<unknown, unknown>([["ok", 1], [fn, 1]]) })).path).toBe(
      "value.m<entry #1 key>",
    );
    expect(serializationError(() => encode({ m: new Map([[{}, fn]]) })).path).toBe("value.m<entry #0 value>");
    expect(serializationError(() => encode({ s: new Set<unknown>([1, 2, fn]) })).path).toBe("value.s<member #2>");
    const e = new Error("x", { cause: { fn } });
    expect(serializationError(() => encode({ e })).path).toBe("value.e.cause.fn");
    expect(serializationError(() => encode(Object.assign(new Error("x"), { code: fn }))).path).toBe("value.code");
  });

  const refused: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    ["a symbol", () => Symbol("tag"), /symbol Symbol\(tag\) is not serialisable/],
    ["a boxed symbol", () => Object(Symbol("b")), /boxed symbol/],
    ["a Promise", () => Promise.resolve(1), /Promise is not serialisable. Await it/],
    ["a WeakMap", () => new WeakMap(), /WeakMap is not serialisable/],
    ["a WeakSet", () => new WeakSet(), /WeakSet is not serialisable/],
    ["a WeakRef", () => new WeakRef({}), /WeakRef is not serialisable/],
    ["a subclass of Promise", () => new (class Later extends Promise<number> {})((resolve) => resolve(1)), /Promise is not serialisable/],
    ["an EventTarget subclass", () => new (class Clicker extends EventTarget {})(), /Clicker is bound to this thread/],
    ["a Response", () => new Response("body"), /Response is not serialisable. Send its status/],
    ["Headers", () => new Headers({ a: "1" }), /Headers is not serialisable. Send Object.fromEntries/],
    ["a Blob", () => new Blob(["x"]), /Blob is not serialisable synchronously/],
    ["a ReadableStream", () => new ReadableStream(), /ReadableStream is not serialisable/],
  ];
  for (const [what, make, message] of refused) {
    it(`refuses ${what} at encode time`, () => {
      const err = serializationError(() => encode({ field: make() }));
      expect(err.path).toBe("value.field");
      expect(err.message).toMatch(message);
    });
  }

  it("refuses a MessagePort", () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const err = serializationError(() => encode({ port: port1 }, { target: "thread" }));
      expect(err.path).toBe("value.port");
      expect(err.message).toMatch(/MessagePort is not serialisable/);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("refuses a detached ArrayBuffer", () => {
    const ab = new ArrayBuffer(8);
    const view = new Uint8Array(ab);
    ab.transfer();
    expect(serializationError(() => encode({ ab })).message).toMatch(/detached/);
    expect(serializationError(() => encode({ view })).message).toMatch(/detached/);
  });
});

describe("copy semantics", () => {
  function snapshotThenMutate(send: (v: unknown) => () => unknown): void {
    const value = {
      obj: { n: 1 },
      arr: [1, 2],
      map: new Map([["k", 1]]),
      set: new Set([1]),
      date: new Date(0),
      bytes: new Uint8Array([1, 2, 3]),
      ab: new Uint8Array([4]).buffer,
    };
    const receive = send(value);
    value.obj.n = 99;
    value.arr.push(3);
    value.map.set("k", 2);
    value.set.add(2);
    value.date.setTime(5);
    value.bytes[0] = 99;
    new Uint8Array(value.ab)[0] = 99;
    const back = receive() as typeof value;
    expect(back.obj.n).toBe(1);
    expect(back.arr).toEqual([1, 2]);
    expect(back.map.get("k")).toBe(1);
    expect([...back.set]).toEqual([1]);
    expect(back.date.getTime()).toBe(0);
    expect([...back.bytes]).toEqual([1, 2, 3]);
    expect(new Uint8Array(back.ab)[0]).toBe(4);
  }

  it("encode takes a snapshot (thread and process targets)", () => {
    for (const target of ["thread", "process"] as const) {
      snapshotThenMutate((v) => {
        const msg = encode(v, { target });
        return () => decode(msg);
      });
    }
  });

  it("encodeToBytes takes a snapshot, and the decoded value does not share the message's memory", () => {
    let bytes: Uint8Array = new Uint8Array(0);
    snapshotThenMutate((v) => {
      bytes = encodeToBytes(v);
      return () => decodeFromBytes(bytes);
    });
    const back = decodeFromBytes(bytes) as { bytes: Uint8Array };
    back.bytes[0] = 42;
    expect((decodeFromBytes(bytes) as { bytes: Uint8Array }).bytes[0]).toBe(1);
  });

  it("encode makes attachments that each span their own buffer, ready to transfer", () => {
    const big = new Uint8Array(64);
    const msg = encode([big.subarray(8, 24), new Float64Array([1, 2]).buffer]);
    expect(msg.bins.map((b) => [b.byteOffset, b.byteLength, b.buffer.byteLength])).toEqual([
      [0, 16, 16],
      [0, 16, 16],
    ]);
  });
});

describe("crossing a thread boundary (postMessage with transfer)", () => {
  it("decodes an Encoded that went through a MessageChannel, bins transferred and SABs shared", async () => {
    const sab = new SharedArrayBuffer(8);
    const value = { bytes: new Uint8Array([1, 2, 3]), counter: new Int32Array(sab), err: new RangeError("r"), n: -0 };
    const msg = encode(value, { target: "thread" });
    const { port1, port2 } = new MessageChannel();
    try {
      const received = new Promise<Encoded>((resolve) => {
        // The web-style handler: Node's MessagePort has it too, though its types only list on().
        (port2 as unknown as { onmessage: (ev: { data: Encoded }) => void }).onmessage = (ev) => resolve(ev.data);
      });
      port1.postMessage(msg, msg.bins.map((b) => b.buffer as ArrayBuffer));
      expect(msg.bins[0]!.byteLength).toBe(0); // transferred, not copied
      const back = decode(await received) as typeof value;
      expect([...back.bytes]).toEqual([1, 2, 3]);
      expect(back.err).toBeInstanceOf(RangeError);
      expect(Object.is(back.n, -0)).toBe(true);
      back.counter[0] = 5;
      expect(new Int32Array(sab)[0]).toBe(5);
    } finally {
      port1.close();
      port2.close();
    }
  });
});

describe("byte layout and corrupt input", () => {
  const sample = {
    text: "héllo 😀",
    n: [1, NaN, -0, 10n],
    bytes: new Uint8Array([1, 2, 3, 4, 5]),
    doubles: new Float64Array([0.5, -1]),
    when: new Date(86_400_000),
    m: new Map([["k", new Set([1])]]),
    err: Object.assign(new TypeError("t"), { code: "E" }),
  };

  it("lays out magic, version, lengths, JSON text and attachments", () => {
    const bytes = encodeToBytes(sample);
    const msg = encode(sample);
    expect([...bytes.subarray(0, 4)]).toEqual([0x4d, 0x50, 0x43, 2]); // "MPC", version 2
    const u32 = (at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
    const jsonLength = u32(4);
    expect(u32(8)).toBe(2);
    expect([u32(12), u32(16)]).toEqual([5, 16]);
    const json = new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength));
    expect(json).toBe(msg.json);
    // Each attachment starts at a multiple of 8, after zeros; the message ends with the last one.
    const align8 = (n: number) => Math.ceil(n / 8) * 8;
    const first = align8(20 + jsonLength);
    const second = align8(first + 5);
    expect(bytes.byteLength).toBe(second + 16);
    expect([...bytes.subarray(20 + jsonLength, first)].every((b) => b === 0)).toBe(true);
    expect([...bytes.subarray(first, first + 5)]).toEqual([1, 2, 3, 4, 5]);
    expect([...bytes.subarray(first + 5, second)]).toEqual([0, 0, 0]);
    expect(new Float64Array(bytes.slice(second).buffer)).toEqual(new Float64Array([0.5, -1]));
  });

  it("keeps attachments 8-aligned and the padding zero, whatever the JSON text's length and the memory reused", async () => {
    const { encodeToPooledBytes } = await import("../src/codec/codec.ts");
    const align8 = (n: number) => Math.ceil(n / 8) * 8;
    for (let n = 0; n < 16; n++) {
      const value = { s: "x".repeat(n), a: new Uint8Array(3).fill(0xff), b: new Uint8Array(9).fill(0xfe) };
      // Pooled bytes reuse a slab that earlier messages (full of 0xff and 0xfe) were written to.
      for (const bytes of [encodeToBytes(value), encodeToPooledBytes(value, "value")]) {
        const offsets = unpackMessage(bytes).bins.map((bin) => bin.byteOffset - bytes.byteOffset);
        const jsonEnd = 20 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4);
        expect(offsets).toEqual([align8(jsonEnd), align8(align8(jsonEnd) + 3)]);
        expect([...bytes.subarray(jsonEnd, offsets[0])].every((b) => b === 0)).toBe(true);
        expect([...bytes.subarray(offsets[0]! + 3, offsets[1])].every((b) => b === 0)).toBe(true);
        expect(decodeFromBytes(bytes)).toEqual(value);
      }
    }
    // Scratch memory holds the last large message encoded on this thread: none of it shows.
    allocateScratch(1 << 16).fill(0xee);
    const packed = packMessage('"x"', [new Uint8Array(5001).fill(1), new Uint8Array(9).fill(2)], "scratch");
    // Header 20 bytes, JSON text 3, one zero, the first attachment at 24, seven zeros, the second at 5032.
    expect(unpackMessage(packed).bins.map((bin) => bin.byteOffset - packed.byteOffset)).toEqual([24, 5032]);
    expect([...packed.subarray(23, 24)]).toEqual([0]);
    expect([...packed.subarray(24 + 5001, 5032)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("keepScratch: kept scratch bytes survive the next encodes, and their buffer is reused once given back", () => {
    const first = allocateScratch(1 << 16).fill(1);
    const kept = keepScratch(first);
    expect(kept.bytes).toBe(first);
    expect(isScratch(first)).toBe(false);
    // The thread goes on with other memory: the kept bytes are not overwritten.
    const second = allocateScratch(1 << 16).fill(2);
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.every((b) => b === 1)).toBe(true);
    // Given back, the kept buffer is the next scratch buffer when the scratch must grow.
    kept.done();
    keepScratch(second); // the thread's scratch is now the spare (none) or new
    const third = allocateScratch(1 << 16);
    expect(third.buffer).toBe(first.buffer);
    // Bytes that are not scratch are kept as they are.
    const own = new Uint8Array(1 << 16);
    expect(keepScratch(own).bytes).toBe(own);
    expect(isScratch(own)).toBe(false);
  });

  it("small scratch bytes are one buffer reused: keepScratch copies them, and later encodes do not reach the copy", () => {
    const first = packMessage("12345", [], "scratch");
    expect(isScratch(first)).toBe(true);
    const kept = keepScratch(first);
    expect(kept.bytes).not.toBe(first);
    expect(isScratch(kept.bytes)).toBe(false);
    const second = packMessage("67890", [], "scratch");
    // The same memory as the first: a small scratch message is overwritten by the next one.
    expect(second.buffer).toBe(first.buffer);
    expect(decodeFromBytes(first)).toBe(67890);
    expect(decodeFromBytes(kept.bytes)).toBe(12345);
    kept.done();
  });

  it("writes a small integer's digits straight into the bytes: the same bytes as its JSON text packed", () => {
    const integers = [0, 1, 9, 10, -1, -10, 99, 100, 123_456_789, -987_654_321, 999_999_999_999_999, -999_999_999_999_999, 2 ** 40];
    for (const n of integers) {
      for (const pooled of [false, true, "scratch"] as const) {
        expect([...packSmallInteger(n, pooled)!]).toEqual([...packMessage(String(n), [])]);
      }
      expect([...encodeToBytes(n)]).toEqual([...packMessage(String(n), [])]);
    }
    for (const n of [-0, 1_000_000_000_000_000, -1_000_000_000_000_000, 0.5, -2.25, NaN, Infinity, -Infinity, 1e21]) {
      expect(packSmallInteger(n, false)).toBeUndefined();
    }
    // The rest still travel exactly (-0 included).
    for (const n of [-0, 1_000_000_000_000_000, 0.5, 1e21, Number.MAX_SAFE_INTEGER]) expect(Object.is(decodeFromBytes(encodeToBytes(n)), n)).toBe(true);
  });

  it("reads a small integer straight from the bytes, and anything else through the JSON text, with the same result", () => {
    const integers = [0, 7, -7, 10, 999_999_999_999_999, -999_999_999_999_999, 123_456_789];
    for (const n of integers) {
      expect(smallIntegerIn(encodeToBytes(n))).toBe(n);
      expect(decodeFromBytes(encodeToBytes(n))).toBe(n);
    }
    // Not read directly (the general path decodes them, or reports what is wrong with them).
    const others = [1_000_000_000_000_000, -1_000_000_000_000_000, 4.5, -0.5, 1e21, "12", true, null, [1]];
    for (const value of others) {
      expect(smallIntegerIn(encodeToBytes(value))).toBeUndefined();
      expect(decodeFromBytes(encodeToBytes(value))).toEqual(value);
    }
    expect(Object.is(decodeFromBytes(packMessage("-0", [])), -0)).toBe(true);
    for (const text of ["-0", "007", "-", "1-", "1 ", "+1", "١"]) expect(smallIntegerIn(packMessage(text, []))).toBeUndefined();
    expect(() => decodeFromBytes(packMessage("007", []))).toThrow(DeserializationError);
    // A header that does not match its bytes is not read as a number: the general path reports it.
    const bytes = encodeToBytes(42);
    expect(() => decodeFromBytes(bytes.subarray(0, bytes.length - 1))).toThrow(DeserializationError);
    const wrongVersion = bytes.slice();
    wrongVersion[3] = 99;
    expect(smallIntegerIn(wrongVersion)).toBeUndefined();
    expect(() => decodeFromBytes(wrongVersion)).toThrow(/layout version 99/);
  });

  it("encodes long and non-ASCII JSON text as UTF-8 exactly like TextEncoder", () => {
    const long = { s: "a€😀\ud800b".repeat(500), ascii: "x".repeat(5000) };
    const bytes = encodeToBytes(long);
    expect(decodeFromBytes(bytes)).toEqual(long);
    const short = { s: "é😀\udfff" };
    const shortBytes = encodeToBytes(short);
    const json = new TextEncoder().encode(encode(short).json);
    expect([...shortBytes.subarray(12)]).toEqual([...json]);
    expect(decodeFromBytes(shortBytes)).toEqual(short);
  });

  it("rejects every truncation of a message", () => {
    const bytes = encodeToBytes(sample);
    for (let n = 0; n < bytes.byteLength; n++) {
      const err = deserializationError(() => decodeFromBytes(bytes.subarray(0, n)));
      expect(err.message).toMatch(/truncated|JSON text|cannot decode/);
    }
  });

  it("rejects trailing bytes, a bad magic number, a wrong version and invalid UTF-8", () => {
    const bytes = encodeToBytes(sample);
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);
    expect(deserializationError(() => decodeFromBytes(longer)).message).toMatch(/1 unexpected bytes/);
    const badMagic = bytes.slice();
    badMagic[0] = 0x58;
    expect(deserializationError(() => decodeFromBytes(badMagic)).message).toMatch(/bad magic/);
    const badVersion = bytes.slice();
    badVersion[3] = 1;
    expect(deserializationError(() => decodeFromBytes(badVersion)).message).toMatch(/layout version 1/);
    const badUtf8 = encodeToBytes("ab");
    badUtf8[13] = 0xff; // inside the JSON text "\"ab\""
    expect(deserializationError(() => decodeFromBytes(badUtf8)).message).toMatch(/not valid UTF-8/);
    expect(deserializationError(() => decodeFromBytes([1, 2] as unknown as Uint8Array)).message).toMatch(/Uint8Array/);
  });

  it("rejects corrupt JSON text and malformed tagged nodes", () => {
    const bad = (json: string, bins: Uint8Array[] = [], shared: SharedArrayBuffer[] = []) =>
      deserializationError(() => decode({ json, bins, shared })).message;
    expect(bad('{"a":')).toMatch(/JSON text is invalid/);
    expect(bad('{"$mp":"zz"}')).toMatch(/unknown tag "zz"/);
    expect(bad('{"$mp":7}')).toMatch(/unknown tag 7/);
    expect(bad('[{"$mp":"r","i":0}]')).toMatch(/not marked as having references/);
    expect(bad('{"$mp":"G","v":[{"$mp":"r","i":5}]}')).toMatch(/points to no earlier object/);
    expect(bad('{"$mp":"n","v":"42"}')).toMatch(/not a special number/);
    expect(bad('{"$mp":"g","v":"12x"}')).toMatch(/not a BigInt/);
    expect(bad('{"$mp":"A","b":0}')).toMatch(/attachment 0 is not among the 0 sent/);
    expect(bad('[{"$mp":"A","b":0},{"$mp":"A","b":0}]', [new Uint8Array(1)])).toMatch(/referenced twice/);
    expect(bad("1", [new Uint8Array(1)])).toMatch(/attachment 0 of 1 is not referenced/);
    expect(bad('{"$mp":"T","t":"Float64Array","b":0}', [new Uint8Array(3)])).toMatch(/not a multiple of 8/);
    expect(bad('{"$mp":"F","b":0}', [new Uint8Array(12)])).toMatch(/array of numbers has 12 bytes, not a multiple of 8/);
    expect(bad('{"$mp":"F","b":1}', [new Uint8Array(8)])).toMatch(/attachment 1 is not among the 1 sent/);
    expect(bad('{"$mp":"T","t":"Nope","b":0}', [new Uint8Array(1)])).toMatch(/no such type/);
    expect(bad('{"$mp":"T","t":"Int32Array","s":{"$mp":"S","i":0},"o":4,"l":8}', [], [new SharedArrayBuffer(8)])).toMatch(
      /does not fit/,
    );
    expect(bad('{"$mp":"S","i":1}', [], [new SharedArrayBuffer(8)])).toMatch(/not among the 1 passed/);
    expect(bad('{"$mp":"D","v":"x"}')).toMatch(/Date/);
    expect(bad('{"$mp":"R","s":"(","f":""}')).toMatch(/not a valid RegExp/);
    expect(bad('{"$mp":"M","e":[1]}')).toMatch(/Map has no key\/value list/);
    expect(bad('{"$mp":"E","c":["Error"],"n":"Error"}')).toMatch(/no name or message/);
    expect(bad('{"$mp":"B","v":{"a":1}}')).toMatch(/boxed primitive/);
    expect(bad('{"$mp":"H","k":1,"s":null}')).toMatch(/handle has no kind/);
    expect(deserializationError(() => decode("nope" as unknown as Encoded)).message).toMatch(/expected an Encoded/);
  });

  it("never throws anything but DeserializationError, nor hangs, on randomly corrupted bytes", () => {
    const bytes = encodeToBytes(sample);
    let seed = 0x5eed;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const copy = bytes.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      try {
        decodeFromBytes(copy);
      } catch (e) {
        if (!(e instanceof DeserializationError)) throw new Error(`iteration ${i}: ${String(e)}`);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

// Each runtime decodes what this runtime encoded and encodes it again: the bytes must be identical.
describe("the same bytes on Node, Deno and Bun", () => {
  const bin = (name: string) => fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));
  const codecUrl = new URL("../src/codec/index.ts", import.meta.url).href;
  const script = [
    `import { Buffer } from "node:buffer";`,
    `import { decodeFromBytes, encodeToBytes } from ${JSON.stringify(codecUrl)};`,
    `const input = Buffer.from(process.env.CODEC_INPUT ?? "", "base64");`,
    `const value = decodeFromBytes(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));`,
    `process.stdout.write(Buffer.from(encodeToBytes(value)).toString("base64"));`,
  ].join("\n");
  const commands: Record<string, [string, string[]]> = {
    node: [bin("node"), ["--input-type=module", "-e", script]],
    deno: [bin("deno"), ["eval", "--no-lock", script]],
    bun: [bin("bun"), ["-e", script]],
  };
  const value = {
    ints: [0, -1, 2 ** 40],
    specials: [NaN, -0, Infinity, -Infinity, undefined, 12n ** 30n],
    text: "é€😀",
    when: [new Date(1_700_000_000_000), new Date(Number.NaN)],
    re: /x+y/gi,
    map: new Map<unknown, unknown>([["a", new Set([1, 2])], [{ k: 1 }, null]]),
    bytes: new Uint8Array([0, 255, 7]),
    ints32: new Int32Array([-1, 2]),
    big64: new BigInt64Array([-5n]),
    dv: new DataView(new Uint8Array([1, 2, 3]).buffer, 1),
    errors: [
      Object.assign(new RangeError("r", { cause: new Error("c") }), { code: "E_R" }),
      new AggregateError([new TypeError("t")], "agg"),
    ],
    tagKey: { $mp: "r" },
  };
  (value as Record<string, unknown>).self = value;
  const bytes = encodeToBytes(value);

  for (const [runtime, [cmd, args]] of Object.entries(commands)) {
    it(`${runtime} decodes and re-encodes to identical bytes`, () => {
      const r = spawnSync(cmd, args, {
        env: { ...process.env, CODEC_INPUT: Buffer.from(bytes).toString("base64"), NO_COLOR: "1" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(Buffer.from(r.stdout, "base64").equals(Buffer.from(bytes))).toBe(true);
    });
  }
});

describe("pooled message bytes (internal)", () => {
  it("hands out regions that never overlap, 8-aligned, and big messages get buffers of their own", async () => {
    const { allocate } = await import("../src/codec/bytes.ts");
    const pieces = Array.from({ length: 5000 }, (_, i) => allocate(1 + (i % 97)));
    pieces.forEach((p, i) => p.fill(i % 251));
    pieces.forEach((p, i) => {
      expect(p.byteOffset % 8).toBe(0);
      expect(p.every((b) => b === i % 251)).toBe(true); // no later region wrote over this one
    });
    const big = allocate(100_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(100_000);
  });

  it("a number on its own (the plain-JSON shortcut) round-trips exactly, as the JSON text JSON.stringify writes", () => {
    const numbers = [0, 7, -2, 1.5, 0.1, 1e21, 1e-7, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE, Number.MAX_VALUE, -123456789.125];
    for (const n of numbers) {
      const bytes = encodeToBytes(n);
      expect(unpackMessage(bytes).json).toBe(JSON.stringify(n));
      expect(decodeFromBytes(bytes)).toBe(n);
    }
    for (const n of [-0, NaN, Infinity, -Infinity]) expect(Object.is(decodeFromBytes(encodeToBytes(n)), n)).toBe(true);
  });

  it("pooled encoding decodes like the plain one, and each message keeps its bytes", async () => {
    const { encodeToPooledBytes } = await import("../src/codec/codec.ts");
    const values = [1, "two", { three: [3, 3n] }, new Uint8Array([4, 4]), null];
    const encoded = values.map((v) => encodeToPooledBytes(v, "value"));
    encoded.forEach((bytes, i) => {
      expect(Array.from(bytes)).toEqual(Array.from(encodeToBytes(values[i])));
      expect(decodeFromBytes(bytes)).toEqual(values[i]);
    });
  });
});

describe("packNumbers (internal)", () => {
  it("packs an array of numbers only, exactly, and refuses anything else", () => {
    const packed = packNumbers([1, -0, NaN, 2.5, Infinity]);
    expect(packed).toBeInstanceOf(Float64Array);
    expect([...packed!]).toEqual([1, -0, NaN, 2.5, Infinity]);
    expect(Object.is(packed![1], -0)).toBe(true);
    expect(packNumbers([])).toEqual(new Float64Array(0));
    expect(packNumbers([1, 2, "3"])).toBeUndefined();
    expect(packNumbers([1, 2n])).toBeUndefined();
    expect(packNumbers([1, , 3])).toBeUndefined(); // a hole is not a number
    expect(packNumbers([1, new Number(2)])).toBeUndefined();
  });
});

describe("a message copied out as its parts (internal)", () => {
  it("keeps the JSON text, and copies each attachment into an ArrayBuffer of its own that nothing else shares", () => {
    const shared = new Uint8Array(new SharedArrayBuffer(16_384));
    const message = packMessage('{"a":1}', [new Uint8Array(5000).fill(1), new Uint8Array(3).fill(2)]);
    shared.set(message, 8);
    const parts = copyMessageParts(shared.subarray(8, 8 + message.length));
    shared.fill(0); // the shared memory is reused: the parts do not change
    expect(parts.json).toBe('{"a":1}');
    expect(parts.bins.map((b) => [b.byteOffset, b.byteLength, b.buffer.byteLength, b.buffer instanceof SharedArrayBuffer])).toEqual([
      [0, 5000, 5000, false],
      [0, 3, 3, false],
    ]);
    expect(Array.from(new Set(parts.bins[0]))).toEqual([1]);
    expect(Array.from(parts.bins[1]!)).toEqual([2, 2, 2]);
    expect(copyMessageParts(packMessage("[1,2]", [])).bins).toEqual([]);
  });
});
