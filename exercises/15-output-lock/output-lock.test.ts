import { type ContextName, Lock, Process } from "@multiproc/core";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pause, printAll, printLine, printReport, printReportAtOnce, printReportLocked, reportText } from "./output-lock.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/** A path to print to, in a fresh temporary folder (nothing printed yet). */
function outputFile(): string {
  return join(mkdtempSync(join(tmpdir(), "output-lock-")), "out.txt");
}

/** The lines printed to `file` so far, in order. */
function printed(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((line) => line !== "");
}

/** The report `name` should print: "name: line 1 of n" … "name: line n of n". */
function report(name: string, lines: number): string[] {
  return Array.from({ length: lines }, (_, i) => `${name}: line ${i + 1} of ${lines}`);
}

/** The lines of `name`'s report, in the order they were printed. */
function linesOf(output: string[], name: string): string[] {
  return output.filter((line) => line.startsWith(`${name}: `));
}

/** Whether `name`'s report was printed in one piece: its lines one after the other, nothing in between. */
function isWhole(output: string[], name: string, lines: number): boolean {
  const start = output.indexOf(`${name}: line 1 of ${lines}`);
  return start >= 0 && report(name, lines).every((line, i) => output[start + i] === line);
}

describe("1. Print a report", () => {
  it("printReport prints lines 1 to n of its report, in order", async () => {
    const file = outputFile();
    await printReport(file, "A", 3);
    expect(printed(file)).toEqual(report("A", 3));
  });

  it("two reports printed at the same time cut each other, even in one thread", async () => {
    // printReport pauses after each line; while A pauses, B prints, and the other way round.
    // A prints its first line before B starts, and B its first line before A's pause ends.
    const file = outputFile();
    await Promise.all([printReport(file, "A", 3), printReport(file, "B", 3)]);
    const output = printed(file);
    expect(linesOf(output, "A")).toEqual(report("A", 3));
    expect(linesOf(output, "B")).toEqual(report("B", 3));
    expect(output.slice(0, 2)).toEqual(["A: line 1 of 3", "B: line 1 of 3"]);
    expect(isWhole(output, "A", 3)).toBe(false);
  });

  it("printReport runs in a child, which ends with exit code 0", async () => {
    const file = outputFile();
    const child = new Process({ target: printReport, args: [file, "child", 2], context });
    child.start();
    await child.join();
    expect(child.exitCode).toBe(0);
    expect(printed(file)).toEqual(report("child", 2));
  });
});

describe("2. A lock around the report", () => {
  it("while someone else holds the lock, printReportLocked prints nothing; then it prints its whole report", async () => {
    const file = outputFile();
    const printLock = new Lock();
    await printLock.acquire();
    const done = printReportLocked(printLock, file, "A", 2);
    expect(printed(file), "printReportLocked printed while the lock was held by someone else").toEqual([]);
    printLine(file, "main: I had the lock");
    await printLock.release();
    await done;
    expect(printed(file)).toEqual(["main: I had the lock", ...report("A", 2)]);
  });

  it("printReportLocked releases the lock when its report is printed", async () => {
    const printLock = new Lock();
    await printReportLocked(printLock, outputFile(), "A", 1);
    expect(await printLock.acquire({ blocking: false }), "the lock is still held").toBe(true);
    await printLock.release();
  });

  it("a child running printReportLocked waits while this process holds the lock", async () => {
    const file = outputFile();
    const printLock = new Lock();
    await printLock.acquire();
    const child = new Process({ target: printReportLocked, args: [printLock, file, "child", 2], context });
    child.start();
    printLine(file, "main: line 1 of 2");
    printLine(file, "main: line 2 of 2");
    await printLock.release();
    await child.join();
    expect(child.exitCode).toBe(0);
    expect(printed(file)).toEqual([...report("main", 2), ...report("child", 2)]);
  });
});

describe("3. Many printers, one lock", () => {
  it("printAll prints every report, each in one piece", async () => {
    const file = outputFile();
    await printAll(new Lock(), file, ["A", "B", "C"], 3, context);
    const output = printed(file);
    expect(output).toHaveLength(9);
    for (const name of ["A", "B", "C"]) expect(linesOf(output, name)).toEqual(report(name, 3));
    for (const name of ["A", "B", "C"]) expect(isWhole(output, name, 3), `${name}'s report was cut:\n${output.join("\n")}`).toBe(true);
  });

  it("no child of printAll prints while someone else holds the lock", async () => {
    const file = outputFile();
    const printLock = new Lock();
    await printLock.acquire();
    const all = printAll(printLock, file, ["A", "B"], 2, context);
    void all.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    // Not a synchronisation: children that wait for the lock print nothing however long this
    // is; children that do not would have printed by then.
    await pause(500);
    expect(printed(file), "a child printed while the lock was held by someone else").toEqual([]);
    await printLock.release();
    await all;
    const output = printed(file);
    expect(output).toHaveLength(4);
    for (const name of ["A", "B"]) expect(isWhole(output, name, 2), `${name}'s report was cut:\n${output.join("\n")}`).toBe(true);
  });
});

describe("4. Or print it in one piece", () => {
  it("reportText is the whole report as one text", () => {
    expect(reportText("A", 3)).toBe(report("A", 3).join("\n"));
    expect(reportText("B", 1)).toBe("B: line 1 of 1");
  });

  it("printReportAtOnce prints the report with its lines in order", () => {
    const file = outputFile();
    printReportAtOnce(file, "A", 3);
    expect(printed(file)).toEqual(report("A", 3));
  });

  it("children printing with printReportAtOnce, without a lock, never cut each other", async () => {
    const file = outputFile();
    const children = ["A", "B", "C"].map((name) => new Process({ target: printReportAtOnce, args: [file, name, 3], context }));
    for (const child of children) child.start();
    for (const child of children) await child.join();
    expect(children.map((child) => child.exitCode)).toEqual([0, 0, 0]);
    const output = printed(file);
    expect(output).toHaveLength(9);
    for (const name of ["A", "B", "C"]) expect(isWhole(output, name, 3), `${name}'s report was cut:\n${output.join("\n")}`).toBe(true);
  });
});
