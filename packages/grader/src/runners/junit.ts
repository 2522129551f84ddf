/**
 * Reads the JUnit XML that `bun test --reporter=junit` writes: a small XML reader for that one
 * shape (elements, attributes, entities), not a general XML parser.
 *
 * @module
 */

/**
 * One `<testcase>` of a JUnit report.
 *
 * @example
 * ```ts
 * const c: JunitCase = { path: ["1. Read"], name: "reads", line: 4, status: "fail", message: "expected 1 to be 0" };
 * ```
 */
export interface JunitCase {
  /** Titles of the enclosing suites below the file's own suite, outermost first. */
  path: string[];
  name: string;
  line: number | undefined;
  status: "pass" | "fail" | "skip";
  message?: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[m[1] ?? ""] = decode(m[2] ?? "");
  return attrs;
}

/**
 * Reads the test cases of a Bun JUnit report, in document order.
 *
 * @param xml - the report.
 * @returns the cases.
 * @throws {Error} when the text is not a JUnit report (no `<testsuites>`).
 *
 * @example
 * ```ts
 * import { parseJunit } from "@multiproc/grader";
 * parseJunit('<testsuites><testsuite name="a.test.ts"><testcase name="x" line="3"/></testsuite></testsuites>');
 * // [{ path: [], name: "x", line: 3, status: "pass" }]
 * ```
 */
export function parseJunit(xml: string): JunitCase[] {
  if (!/<testsuites[\s>]/.test(xml)) throw new Error("not a JUnit report: no <testsuites> element");
  const cases: JunitCase[] = [];
  const suites: string[] = [];
  let current: JunitCase | undefined;
  let failureText: string | undefined;
  const tokens = xml.matchAll(/<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g);
  for (const t of tokens) {
    const [, closing, name, attrText, selfClosing, text] = t;
    if (text !== undefined) {
      if (failureText !== undefined) failureText += decode(text);
      continue;
    }
    const attrs = attributes(attrText ?? "");
    if (name === "testsuite") {
      if (closing) suites.pop();
      else if (!selfClosing) suites.push(attrs.name ?? "");
    } else if (name === "testcase") {
      if (closing) {
        if (current) cases.push(current);
        current = undefined;
      } else {
        const line = attrs.line === undefined ? undefined : Number(attrs.line);
        current = { path: suites.slice(1), name: attrs.name ?? "", line, status: "pass" };
        if (selfClosing) {
          cases.push(current);
          current = undefined;
        }
      }
    } else if ((name === "failure" || name === "error") && current) {
      if (closing) {
        const body = failureText?.trim();
        if (!current.message && body) current.message = body;
        failureText = undefined;
      } else {
        current.status = "fail";
        if (attrs.message) current.message = attrs.message.trim();
        if (!selfClosing) failureText = "";
      }
    } else if (name === "skipped" && current) current.status = "skip";
  }
  return cases;
}
