/// <reference types="bun" />
/**
 * Preloaded into `bun test` by the grader: records what each test prints through `console`, so
 * that results can show the learner's output per test (Bun's JUnit report has no output). It
 * counts tests through global `beforeEach`/`afterEach` hooks, which Bun calls for every test
 * that runs, in the order of the report; each record is a JSON line `{ index, output }` appended
 * to the file named by `MULTIPROC_GRADER_BUN_OUTPUT`.
 *
 * This channel only carries output, never results: a learner who writes to it can change what
 * is shown as their output, nothing else.
 *
 * @module
 */
import { afterEach, beforeEach } from "bun:test";
import { appendFileSync } from "node:fs";
import { format } from "node:util";

const file = process.env.MULTIPROC_GRADER_BUN_OUTPUT;
if (file) {
  let index = -1;
  let buffer = "";
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  for (const method of methods) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      buffer += `${format(...args)}\n`;
      original(...args);
    };
  }
  beforeEach(() => {
    index += 1;
    buffer = "";
  });
  afterEach(() => {
    appendFileSync(file, `${JSON.stringify({ index, output: buffer })}\n`);
    buffer = "";
  });
}
