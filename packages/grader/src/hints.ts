/**
 * Hints: `HINTS.md` holds one `## ` section per hint, from gentle to explicit. `hint <slug>`
 * shows the next one the learner has not seen and remembers how many were shown in
 * `.grader-results/hints.json` under the course root (git-ignored).
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One hint: the heading of its `## ` section and the text below it.
 *
 * @example
 * ```ts
 * const h: Hint = { title: "Reading a file", body: "Look at `stat` in node:fs/promises." };
 * ```
 */
export interface Hint {
  /** The section heading (without `## `). */
  title: string;
  /** The section's text, trimmed. */
  body: string;
}

/**
 * Splits `HINTS.md` into its `## ` sections. Text before the first section (e.g. a `# Hints`
 * title) is ignored.
 *
 * @param markdown - the file's text.
 * @returns the hints in file order.
 *
 * @example
 * ```ts
 * import { parseHints } from "@multiproc/grader";
 * parseHints("# Hints\n## Start\nUse stat.\n## Then\nSend it.\n").length; // 2
 * ```
 */
export function parseHints(markdown: string): Hint[] {
  const hints: Hint[] = [];
  let current: { title: string; lines: string[] } | undefined;
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^## +(.+?)\s*$/.exec(line);
    if (heading) {
      if (current) hints.push({ title: current.title, body: current.lines.join("\n").trim() });
      current = { title: heading[1] ?? "", lines: [] };
    } else current?.lines.push(line);
  }
  if (current) hints.push({ title: current.title, body: current.lines.join("\n").trim() });
  return hints;
}

/**
 * Where hint progress is kept, relative to the course root (git-ignored).
 *
 * @example
 * ```ts
 * import { HINT_STATE_FILE } from "@multiproc/grader";
 * join(root, HINT_STATE_FILE); // "<root>/.grader-results/hints.json"
 * ```
 */
export const HINT_STATE_FILE = join(".grader-results", "hints.json");

function readState(root: string): Record<string, number> {
  const path = join(root, HINT_STATE_FILE);
  if (!existsSync(path)) return {};
  try {
    const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof raw === "object" && raw !== null ? (raw as Record<string, number>) : {};
  } catch {
    return {}; // a damaged progress file only costs the learner their place in the hints
  }
}

/**
 * The outcome of asking for a hint.
 *
 * @example
 * ```ts
 * const next: NextHint = { hint: { title: "Start", body: "…" }, number: 1, total: 3 };
 * ```
 */
export interface NextHint {
  /** The hint to show, or `undefined` when every hint was already shown. */
  hint: Hint | undefined;
  /** Its number, from 1 (or `total` when all were shown). */
  number: number;
  /** How many hints the exercise has. */
  total: number;
}

/**
 * Returns the next hint the learner has not seen for an exercise and records it as seen. After
 * the last one, returns `hint: undefined` (and `reset` starts over).
 *
 * @param root - the course root (progress is stored under it).
 * @param slug - the exercise's slug.
 * @param hints - the exercise's hints.
 * @param reset - forget the progress first.
 * @returns the hint, its number and the total.
 *
 * @example
 * ```ts
 * import { nextHint, parseHints } from "@multiproc/grader";
 * const { hint, number, total } = nextHint("/work/main", "homework", parseHints(text));
 * if (hint) console.log(`Hint ${number} of ${total}: ${hint.title}\n${hint.body}`);
 * ```
 */
export function nextHint(root: string, slug: string, hints: readonly Hint[], reset = false): NextHint {
  const state = readState(root);
  const seen = reset ? 0 : Math.max(0, Math.min(state[slug] ?? 0, hints.length));
  const hint = hints[seen];
  if (hint || reset) {
    state[slug] = hint ? seen + 1 : 0;
    const path = join(root, HINT_STATE_FILE);
    mkdirSync(join(root, ".grader-results"), { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
  return { hint, number: hint ? seen + 1 : hints.length, total: hints.length };
}
