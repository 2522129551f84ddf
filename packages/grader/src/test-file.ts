/**
 * Reads a test file without running it: the tests in file order, each with its `describe` path,
 * line, body (Exercism's `test_code`) and task (from a `describe("N. …")` around it). Parsing uses
 * the TypeScript compiler's parser, so any valid test file is understood; only calls of
 * `describe`/`suite`/`it`/`test` (with `.skip`, `.only`, `.skipIf(…)`, `.each(…)`, … modifiers)
 * whose first argument is a string are tests.
 *
 * @module
 */
import ts from "typescript";
import { taskIdOf } from "./readme.ts";

/**
 * One test found in a test file.
 *
 * @example
 * ```ts
 * const t: StaticTest = {
 *   name: "reads an empty file", describePath: ["1. Read the file"], line: 12,
 *   code: "expect(await sizeOf(empty)).toBe(0);", taskId: 1, each: false, file: "homework.test.ts",
 * };
 * ```
 */
export interface StaticTest {
  /** The test's own title (for `.each`, the title template). */
  name: string;
  /** Titles of the enclosing `describe` blocks, outermost first. */
  describePath: string[];
  /** 1-based line of the `it(`/`test(` call. */
  line: number;
  /** The body of the test function, dedented. */
  code: string;
  /** The README task it belongs to, if an enclosing `describe` is numbered. */
  taskId: number | undefined;
  /** Whether it is a `.each`/`.for` template that expands into several tests at run time. */
  each: boolean;
  /** The test file it is in (as given to {@link parseTestFile}). */
  file: string;
}

type Kind = "suite" | "test";
const ROOTS: Record<string, Kind> = { describe: "suite", suite: "suite", it: "test", test: "test" };
const FLAG_MODIFIERS = new Set(["skip", "only", "todo", "concurrent", "sequential", "fails", "shuffle"]);
const CALL_MODIFIERS = new Set(["skipIf", "runIf", "each", "for"]);

/** What a callee expression names: a suite or test function, and whether it is an `.each` form. */
function classify(callee: ts.Expression): { kind: Kind; each: boolean } | undefined {
  if (ts.isIdentifier(callee)) {
    const kind = ROOTS[callee.text];
    return kind ? { kind, each: false } : undefined;
  }
  if (ts.isPropertyAccessExpression(callee) && FLAG_MODIFIERS.has(callee.name.text)) return classify(callee.expression);
  if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && CALL_MODIFIERS.has(callee.expression.name.text)) {
    const inner = classify(callee.expression.expression);
    const isEach = callee.expression.name.text === "each" || callee.expression.name.text === "for";
    return inner ? { kind: inner.kind, each: inner.each || isEach } : undefined;
  }
  return undefined;
}

function titleOf(arg: ts.Expression | undefined, source: ts.SourceFile): string | undefined {
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isTemplateExpression(arg)) return arg.getText(source).slice(1, -1);
  return undefined;
}

/**
 * Removes the common leading indentation of a block of lines, and blank first/last lines.
 *
 * @param text - the lines.
 * @returns the dedented text.
 *
 * @example
 * ```ts
 * import { dedent } from "@multiproc/grader";
 * dedent("    a\n      b\n"); // "a\n  b"
 * ```
 */
export function dedent(text: string): string {
  const lines = text.replace(/\t/g, "  ").split("\n");
  while (lines.length > 0 && lines[0]?.trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).trimEnd()).join("\n");
}

function bodyOf(fn: ts.Expression | undefined, source: ts.SourceFile): string {
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return fn ? fn.getText(source) : "";
  const body = fn.body;
  if (ts.isBlock(body)) {
    const text = source.text;
    // From after the `{` to before the `}`, keeping the statements' own layout and comments.
    const inner = text.slice(body.getStart(source) + 1, body.getEnd() - 1);
    // The first statement usually follows a newline; keep its indentation for dedent().
    return dedent(inner);
  }
  return body.getText(source);
}

/**
 * Finds the tests of a test file, in file order.
 *
 * @param sourceText - the test file's text.
 * @param fileName - its name (reported in {@link StaticTest.file} and used by the parser).
 * @returns the tests.
 *
 * @example
 * ```ts
 * import { parseTestFile } from "@multiproc/grader";
 * const tests = parseTestFile(`describe("1. Add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`, "add.test.ts");
 * // [{ name: "adds", describePath: ["1. Add"], taskId: 1, code: "expect(add(1, 2)).toBe(3);", ... }]
 * ```
 */
export function parseTestFile(sourceText: string, fileName: string): StaticTest[] {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const tests: StaticTest[] = [];
  const visit = (node: ts.Node, path: string[]): void => {
    if (ts.isCallExpression(node)) {
      const what = classify(node.expression);
      const title = what ? titleOf(node.arguments[0], source) : undefined;
      if (what && title !== undefined) {
        const fn = node.arguments.find((a, i) => i > 0 && (ts.isArrowFunction(a) || ts.isFunctionExpression(a))) ?? node.arguments[1];
        if (what.kind === "suite") {
          if (fn) visit(fn, [...path, title]);
        } else {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          tests.push({ name: title, describePath: path, line, code: bodyOf(fn, source), taskId: taskIdOf(path), each: what.each, file: fileName });
        }
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, path));
  };
  visit(source, []);
  return tests;
}
