/**
 * Exercise 4: a `Process` of your own. Read README.md first: each numbered part below is one of
 * its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade subclass-process`.
 */
import { type ContextName, Process, currentProcess } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

// ── 1. A class of your own ──────────────────────────────────────────────────────────────────

/**
 * A child that counts down: it puts `"<name>: <i>"` on `out` for i = `from`, …, 1. Its name is
 * `countdown-<from>`.
 *
 * @example
 * ```ts
 * const out = new Queue<string>();
 * const p = new Countdown(3, out, "process");
 * p.start();
 * await out.get(); // "countdown-3: 3"
 * ```
 */
export class Countdown extends Process {
  // TODO: register the class, so that a child can rebuild it (see README).

  /** Where the count starts. */
  from: number;
  /** Where the lines go. */
  out: Queue<string>;

  /**
   * @param from - where the count starts.
   * @param out - the queue the lines are put on.
   * @param context - the context the child runs in.
   */
  constructor(from: number, out: Queue<string>, context: ContextName) {
    // TODO: pass the name `countdown-${from}` and the context to super(), then set the fields.
    super();
    throw new Error(`TODO: the Countdown constructor (from ${from}, "${context}") is not written yet`);
  }

  /** Runs in the child: puts one line per number, from `from` down to 1. */
  override async run(): Promise<void> {
    // TODO: put `${this.name}: ${i}` on this.out for i = this.from, …, 1.
    throw new Error("TODO: Countdown.run() is not written yet");
  }
}

/**
 * Runs a `Countdown` from `from` in a child in `context` and returns the lines it put on its
 * queue, in order, after the child has ended.
 *
 * @example
 * ```ts
 * await countdownInChild(2, "thread"); // ["countdown-2: 2", "countdown-2: 1"]
 * ```
 */
export async function countdownInChild(from: number, context: ContextName): Promise<string[]> {
  // TODO: a Queue, a Countdown; start it, get `from` lines, join, return the lines.
  throw new Error(`TODO: countdownInChild(${from}, "${context}") is not written yet`);
}

// ── 2. Fields travel like arguments ─────────────────────────────────────────────────────────

/**
 * A child that doubles every number of its `numbers` field, in place, and then puts the field
 * on `out`.
 *
 * @example
 * ```ts
 * const out = new Queue<number[]>();
 * const p = new Doubler([1, 2], out, "process");
 * p.start();
 * await out.get(); // [2, 4]
 * ```
 */
export class Doubler extends Process {
  // TODO: register the class, as in task 1.

  /** The numbers to double. */
  numbers: number[];
  /** Where the doubled numbers go. */
  out: Queue<number[]>;

  /**
   * @param numbers - the numbers to double (kept as they are: not copied here).
   * @param out - the queue the doubled numbers are put on.
   * @param context - the context the child runs in.
   */
  constructor(numbers: number[], out: Queue<number[]>, context: ContextName) {
    super({ context });
    this.numbers = numbers;
    this.out = out;
  }

  /** Runs in the child: doubles `this.numbers` in place, then puts it on `out`. */
  override async run(): Promise<void> {
    // TODO: double every element of this.numbers (change the array), then put it on this.out.
    throw new Error("TODO: Doubler.run() is not written yet");
  }
}

/**
 * Runs a `Doubler` of `numbers` in a child in `context`; after it has ended, returns what the
 * child put on the queue and what the `numbers` field of the parent's `Doubler` object holds.
 *
 * @example
 * ```ts
 * await doubleInChild([1, 2], "process"); // { fromChild: [2, 4], parentsField: [1, 2] }
 * ```
 */
export async function doubleInChild(numbers: number[], context: ContextName): Promise<{ fromChild: number[]; parentsField: number[] }> {
  // TODO: start a Doubler; get what it puts on the queue; join; return that and its numbers field.
  throw new Error(`TODO: doubleInChild([${numbers.join(", ")}], "${context}") is not written yet`);
}

// ── 3. The constructor runs only in the parent ──────────────────────────────────────────────

/**
 * How many times the `Stamp` constructor has run **in this process** (each process has its own
 * count, starting at 0 when it loads this file).
 *
 * @example
 * ```ts
 * new Stamp(out, "process");
 * stampsMade; // 1 more than before
 * ```
 */
export let stampsMade = 0;

/**
 * What a `Stamp` child reports.
 *
 * @example
 * ```ts
 * const report: StampReport = { createdIn: "MainProcess", runIn: "Process-3", stampsMadeThere: 0 };
 * ```
 */
export interface StampReport {
  /** The name of the process where the constructor ran. */
  createdIn: string;
  /** The name of the process where `run()` ran. */
  runIn: string;
  /** `stampsMade`, as the process that ran `run()` sees it. */
  stampsMadeThere: number;
}

/**
 * A child that tells where its constructor ran and where its `run()` runs.
 *
 * @example
 * ```ts
 * const out = new Queue<StampReport>();
 * const p = new Stamp(out, "process");
 * p.start();
 * await out.get(); // { createdIn: "MainProcess", runIn: p.name, stampsMadeThere: 0 }
 * ```
 */
export class Stamp extends Process {
  // TODO: register the class, as in task 1.

  /** The name of the process that ran the constructor. */
  createdIn: string;
  /** Where the report goes. */
  out: Queue<StampReport>;

  /**
   * Counts the stamp in `stampsMade` and records, in `createdIn`, the name of the process that
   * runs this constructor.
   *
   * @param out - the queue the report is put on.
   * @param context - the context the child runs in.
   */
  constructor(out: Queue<StampReport>, context: ContextName) {
    super({ context });
    // TODO: add 1 to stampsMade, set createdIn to currentProcess().name, and set out.
    throw new Error("TODO: the Stamp constructor is not written yet");
  }

  /** Runs in the child: puts a `StampReport` on `out`. */
  override async run(): Promise<void> {
    // TODO: put { createdIn, runIn: currentProcess().name, stampsMadeThere: stampsMade } on this.out.
    throw new Error("TODO: Stamp.run() is not written yet");
  }
}

/**
 * Runs a `Stamp` in a child in `context`; returns its report and the child's name.
 *
 * @example
 * ```ts
 * const { report, childName } = await stampInChild("process");
 * report.runIn === childName; // true
 * ```
 */
export async function stampInChild(context: ContextName): Promise<{ report: StampReport; childName: string }> {
  // TODO: start a Stamp; get its report; join; return the report and the child's name.
  throw new Error(`TODO: stampInChild("${context}") is not written yet`);
}
