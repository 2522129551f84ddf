/**
 * Exercise 4: a `Process` of your own — the reference solution.
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
  static {
    Process.register(import.meta, this);
  }

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
    super({ name: `countdown-${from}`, context });
    this.from = from;
    this.out = out;
  }

  /** Runs in the child: puts one line per number, from `from` down to 1. */
  override async run(): Promise<void> {
    for (let i = this.from; i > 0; i--) await this.out.put(`${this.name}: ${i}`);
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
  const out = new Queue<string>();
  const child = new Countdown(from, out, context);
  child.start();
  const lines: string[] = [];
  for (let i = 0; i < from; i++) lines.push(await out.get());
  await child.join();
  return lines;
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
  static {
    Process.register(import.meta, this);
  }

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
    for (let i = 0; i < this.numbers.length; i++) this.numbers[i]! *= 2;
    await this.out.put(this.numbers);
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
  const out = new Queue<number[]>();
  const child = new Doubler(numbers, out, context);
  child.start();
  const fromChild = await out.get();
  await child.join();
  return { fromChild, parentsField: child.numbers };
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
  static {
    Process.register(import.meta, this);
  }

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
    stampsMade++;
    this.createdIn = currentProcess().name;
    this.out = out;
  }

  /** Runs in the child: puts a `StampReport` on `out`. */
  override async run(): Promise<void> {
    await this.out.put({ createdIn: this.createdIn, runIn: currentProcess().name, stampsMadeThere: stampsMade });
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
  const out = new Queue<StampReport>();
  const child = new Stamp(out, context);
  child.start();
  const report = await out.get();
  await child.join();
  return { report, childName: child.name };
}
