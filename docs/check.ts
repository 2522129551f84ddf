/**
 * The course documentation check: every lesson's code example compiles and runs, and every link
 * in `docs/` resolves.
 *
 * 1. Examples: every fenced block whose info string is `ts` or `typescript` in `docs/**\/*.md`
 *    is a whole program. (A block marked `ts fragment` is a snippet and is skipped.) All
 *    examples are written to one scratch directory outside `node_modules` (Node refuses to strip
 *    types there) with a `node_modules` link to the workspace's, type-checked in **one** `tsc`
 *    run with the workspace's strict settings, then each is run once under Node with a time
 *    limit; a non-zero exit, a timeout or output on stderr fails it.
 * 2. Links: every relative Markdown link (`[text](target)`) must name an existing file; an
 *    `#anchor` into a generated API page must name an element id on that page. Links into
 *    `docs/api/` need the API site: build it first with `pnpm docs` (TypeDoc).
 *
 * Usage: `node docs/check.ts [--no-run] [--verbose] [--jobs N] [--timeout SECONDS]` from the workspace root
 * (`--verbose` prints each example's output) (Node 24: the workspace's `node_modules/.bin/node`). Exits 0 when everything passes, 1 with
 * every problem listed otherwise.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const docs = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(docs, "..");
const verbose = process.argv.includes("--verbose");

/** One runnable example taken from a Markdown file. */
interface Example {
  /** Where it comes from, for messages: `docs/lessons/01-….md:23`. */
  readonly where: string;
  /** The file name it is written to in the scratch directory. */
  readonly file: string;
  readonly code: string;
}

/** A link found in a Markdown file. */
interface Link {
  readonly where: string;
  readonly from: string;
  readonly target: string;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

/** Every Markdown file under `docs/`, except the generated API site. */
function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(docs, "api")) out.push(...markdownFiles(path));
    } else if (entry.name.endsWith(".md")) {
      out.push(path);
    }
  }
  return out.sort();
}

/** Splits a Markdown file into its examples and its links (links inside code blocks are ignored). */
function scan(path: string): { examples: Example[]; links: Link[] } {
  const lines = readFileSync(path, "utf8").split("\n");
  const name = relative(root, path);
  const examples: Example[] = [];
  const links: Link[] = [];
  let fence: { info: string; start: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const opening = /^```(.*)$/.exec(line);
    if (fence === undefined && opening) {
      fence = { info: (opening[1] ?? "").trim(), start: i + 1, body: [] };
      return;
    }
    if (fence !== undefined) {
      if (line.startsWith("```")) {
        const words = fence.info.split(/\s+/);
        if ((words[0] === "ts" || words[0] === "typescript") && !words.includes("fragment")) {
          const slug = name.replace(/[^a-zA-Z0-9]+/g, "-").replace(/-md$/, "");
          examples.push({ where: `${name}:${fence.start}`, file: `${slug}-${fence.start}.ts`, code: fence.body.join("\n") + "\n" });
        }
        fence = undefined;
      } else {
        fence.body.push(line);
      }
      return;
    }
    const text = line.replace(/`[^`]*`/g, "");
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      links.push({ where: `${name}:${i + 1}`, from: path, target: match[1]! });
    }
  });
  if (fence !== undefined) throw new Error(`${name}:${fence.start}: a code block is never closed`);
  return { examples, links };
}

/** Problems with one link, or none. */
function checkLink(link: Link): string | undefined {
  if (/^[a-z]+:/i.test(link.target)) return undefined; // http:, https:, mailto: — not checked offline
  const [file = "", anchor] = link.target.split("#");
  const path = file === "" ? link.from : resolve(dirname(link.from), decodeURIComponent(file));
  if (!existsSync(path)) {
    const api = path.startsWith(join(docs, "api"));
    return `${link.where}: ${link.target} does not exist${api ? " (build the API site first: npx pnpm@12.21.0 docs)" : ""}`;
  }
  if (anchor !== undefined && anchor !== "" && path.endsWith(".html")) {
    const html = readFileSync(path, "utf8");
    if (!html.includes(`id="${anchor}"`)) return `${link.where}: ${relative(root, path)} has no #${anchor}`;
  }
  if (anchor !== undefined && anchor !== "" && path.endsWith(".md")) {
    const headings = readFileSync(path, "utf8").split("\n").filter((l) => l.startsWith("#"));
    const slugs = headings.map((h) => h.replace(/^#+\s*/, "").toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-"));
    if (!slugs.includes(anchor)) return `${link.where}: ${relative(root, path)} has no heading #${anchor}`;
  }
  if (statSync(path).isDirectory()) return `${link.where}: ${link.target} is a folder; link to a file in it`;
  return undefined;
}

/** Writes the examples to a scratch directory set up like a workspace package. */
function writeScratch(examples: Example[]): string {
  const dir = mkdtempSync(join(tmpdir(), "multiproc-docs-"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(root, "tsconfig.base.json"),
      compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, rootDir: "." },
      include: ["*.ts"],
    }),
  );
  for (const example of examples) writeFileSync(join(dir, example.file), example.code);
  return dir;
}

/** Type-checks every example in one `tsc` run; problems are reported against the Markdown lines. */
function typeCheck(dir: string, examples: Example[]): string[] {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { cwd: dir, encoding: "utf8" });
  if (r.status === 0) return [];
  const byFile = new Map(examples.map((e) => [e.file, e]));
  const problems = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
  return problems.map((line) => {
    const m = /^([^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
    const example = m ? byFile.get(m[1]!) : undefined;
    if (!m || example === undefined) return `tsc: ${line}`;
    const [name, start] = example.where.split(":");
    return `${name}:${Number(start) + Number(m[2])}: ${m[4]}`;
  });
}

/** Runs one example under Node; resolves with a problem, or undefined when it passed. */
function runExample(dir: string, example: Example, timeoutMs: number): Promise<string | undefined> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(dir, example.file)], { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const killTree = () => {
      try {
        process.kill(-child.pid!, "SIGKILL"); // the example and every child it started
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      killTree();
      const ms = (performance.now() - started).toFixed(0);
      const tail = (s: string) => s.trim().split("\n").slice(-8).join("\n    ");
      if (timedOut) done(`${example.where}: timed out after ${timeoutMs / 1000} s\n    ${tail(stdout)}`);
      else if (code !== 0) done(`${example.where}: exited with ${code ?? signal}\n    ${tail(stderr || stdout)}`);
      else if (stderr.trim() !== "") done(`${example.where}: wrote to stderr\n    ${tail(stderr)}`);
      else {
        console.log(`  ok ${example.where} (${ms} ms)`);
        if (verbose) console.log(`    ${stdout.trim().split("\n").join("\n    ")}`);
        done(undefined);
      }
    });
  });
}

async function main(): Promise<number> {
  const noRun = process.argv.includes("--no-run");
  const jobs = option("--jobs", 2);
  const timeoutMs = option("--timeout", 30) * 1000;
  const files = markdownFiles(docs);
  const examples: Example[] = [];
  const links: Link[] = [];
  for (const file of files) {
    const found = scan(file);
    examples.push(...found.examples);
    links.push(...found.links);
  }
  const problems: string[] = [];

  for (const link of links) {
    const problem = checkLink(link);
    if (problem !== undefined) problems.push(problem);
  }
  console.log(`links: ${links.length} checked in ${files.length} files`);

  const dir = writeScratch(examples);
  try {
    const typeProblems = typeCheck(dir, examples);
    problems.push(...typeProblems);
    console.log(`examples: ${examples.length} type-checked${typeProblems.length > 0 ? `, ${typeProblems.length} errors` : ""}`);
    if (!noRun && typeProblems.length === 0) {
      const queue = [...examples];
      const worker = async () => {
        for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
          const problem = await runExample(dir, e, timeoutMs);
          if (problem !== undefined) problems.push(problem);
        }
      };
      await Promise.all(Array.from({ length: jobs }, worker));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join("\n")}`);
    return 1;
  }
  console.log(`docs: every example compiles${noRun ? "" : " and runs"}, every link resolves`);
  return 0;
}

process.exitCode = await main();
