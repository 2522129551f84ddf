import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Entry modules: the roots of a child's module graph. A top-level await there is harmless (see
 * below); anywhere else it is not.
 */
const ENTRIES = new Set(["core/src/process/child-main.ts"]);

const packagesDir = fileURLToPath(new URL("../../", import.meta.url));

/** The line of the first top-level `await` (or `for await`) in a module's source, if any. */
function topLevelAwait(file: string, source: string): number | undefined {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  let line: number | undefined;
  const visit = (node: ts.Node): void => {
    if (line !== undefined || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
      line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return line;
}

describe("the library's module graph", () => {
  // Node 24 (V8): a module without a top-level await that imports one with it is evaluated from a
  // microtask once that await settles; a worker thread terminated while such a module runs aborts
  // the whole process ("Check failed: (location_) != nullptr" in
  // SourceTextModule::AsyncModuleExecutionFulfilled, SIGTRAP). Seen ~1 in 15 runs of the queue
  // tests while `runtime/index.ts` loaded its adapter with `await import()`.
  it("has no top-level await outside the entry modules", () => {
    const found: string[] = [];
    for (const pkg of ["core", "ipc", "pool"]) {
      const files = readdirSync(`${packagesDir}${pkg}/src`, { recursive: true }) as string[];
      for (const file of files.filter((f) => f.endsWith(".ts"))) {
        const name = `${pkg}/src/${file}`;
        if (ENTRIES.has(name)) continue;
        const line = topLevelAwait(name, readFileSync(`${packagesDir}${name}`, "utf8"));
        if (line !== undefined) found.push(`${name}:${line}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("the check finds a top-level await, and ignores one inside a function", () => {
    expect(topLevelAwait("a.ts", "const x = 1;\nconst m = await import('./m.ts');")).toBe(2);
    expect(topLevelAwait("b.ts", "for await (const x of xs) {}")).toBe(1);
    expect(topLevelAwait("c.ts", "async function f() { await g(); }\nconst h = async () => await g();")).toBeUndefined();
  });
});

describe("the packages' deno.json", () => {
  // Deno takes the TypeScript options it transpiles with from the configuration nearest to a
  // program's main module, and keeps one transpiled copy of each file. Without options of its
  // own, a package's deno.json lets its tsconfig.json (made for tsc) give them: a process child,
  // whose main module is core's child-main.ts, then transpiled every file with other options than
  // its parent (a program elsewhere), and each overwrote the other's copies — the first child of
  // every program re-transpiled the library (measured: 255–280 ms against 70 for the next ones).
  it("each sets its own (default) compilerOptions, so that Deno never takes the package's tsconfig.json", () => {
    for (const pkg of ["core", "ipc", "pool"]) {
      const config = JSON.parse(readFileSync(`${packagesDir}${pkg}/deno.json`, "utf8")) as { compilerOptions?: unknown };
      expect({ pkg, compilerOptions: config.compilerOptions }).toEqual({ pkg, compilerOptions: {} });
    }
  });
});
