/**
 * Exercise 11: managers, a shared dict and list. Read README.md first: each numbered part below
 * is one of its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade manager`.
 */
import { type ContextName, type Lock, Process, currentProcess, task } from "@multiproc/core";
import { type DictProxy, type ListProxy, Manager } from "@multiproc/ipc";

/**
 * What {@link collectAges} returns: plain copies of the manager's dict and list, which still
 * work after the manager has shut down.
 *
 * @example
 * ```ts
 * const registry: Registry = { ages: new Map([["Ada", 36]]), log: ["Process-1 added Ada"] };
 * ```
 */
export interface Registry {
  /** A copy of the shared dict: each person's age. */
  ages: Map<string, number>;
  /** A copy of the shared list: one line per child, `"<child's name> added <person>"`. */
  log: string[];
}

// ── 1. A shared dict and list ───────────────────────────────────────────────────────────────

/**
 * A task: sets `ages[name]` to `age` in the shared dict, then appends
 * `"<this process's name> added <name>"` to the shared list `log`.
 *
 * @example
 * ```ts
 * await using manager = await Manager.start();
 * const ages = await manager.dict<string, number>();
 * const log = await manager.list<string>();
 * await record(ages, log, "Ada", 36); // here: log gets "MainProcess added Ada"
 * ```
 */
export const record = task(import.meta, async function record(ages: DictProxy<string, number>, log: ListProxy<string>, name: string, age: number): Promise<void> {
  // TODO: set name → age in `ages`; append "<currentProcess().name> added <name>" to `log`.
  throw new Error(`TODO: record("${name}", ${age}) is not written yet`);
});

/**
 * Starts a manager in `context` with a dict and a list, runs one child per person in `context`
 * that {@link record}s that person, waits for them all, and returns copies of the dict and the
 * list. The manager is shut down before it returns.
 *
 * @example
 * ```ts
 * const { ages, log } = await collectAges([["Ada", 36], ["Alan", 41]], "process");
 * ages; // Map { "Ada" => 36, "Alan" => 41 }
 * log;  // ["Process-2 added Ada", "Process-3 added Alan"] (in some order)
 * ```
 */
export async function collectAges(people: [string, number][], context: ContextName): Promise<Registry> {
  // TODO: `await using` a manager started in `context`; a dict and a list from it; one child per
  // person running record; start all, join all; return copies of the dict and the list.
  throw new Error(`TODO: collectAges(${JSON.stringify(people)}, "${context}") is not written yet`);
}

// ── 2. Values are copies ────────────────────────────────────────────────────────────────────

/**
 * A task: adds `score` to the list of scores of `player` in the shared dict `scores` (a player
 * not in the dict yet starts with an empty list). It reads the list, adds to it, and writes it
 * back: the list it reads is a copy.
 *
 * @example
 * ```ts
 * const scores = await manager.dict<string, number[]>({ Ada: [10] });
 * await addScore(scores, "Ada", 20);
 * await scores.get("Ada"); // [10, 20]
 * ```
 */
export const addScore = task(import.meta, async function addScore(scores: DictProxy<string, number[]>, player: string, score: number): Promise<void> {
  // TODO: get player's list (an empty list if the player is not there), push score, set it back.
  throw new Error(`TODO: addScore("${player}", ${score}) is not written yet`);
});

// ── 3. Guard the read-modify-write ──────────────────────────────────────────────────────────

/**
 * A task: adds each of `points` to `player`'s scores with {@link addScore}, holding `lock` for
 * each one, so that no other process can read or write the list in between.
 *
 * @example
 * ```ts
 * const lock = await manager.Lock();
 * await addScores(scores, lock, "Ada", [1, 2, 3]);
 * ```
 */
export const addScores = task(import.meta, async function addScores(scores: DictProxy<string, number[]>, lock: Lock, player: string, points: number[]): Promise<void> {
  // TODO: for each score in points: hold the lock while you addScore(scores, player, score).
  throw new Error(`TODO: addScores("${player}", ${JSON.stringify(points)}) is not written yet`);
});

/**
 * Starts a manager in `context` with a dict of scores and a lock made by the manager, runs one
 * child per round in `context` that adds that round's points to the player `"Ada"` with
 * {@link addScores}, waits for them all, and returns Ada's scores sorted from low to high (`[]`
 * when there are no rounds). The manager is shut down before it returns.
 *
 * @example
 * ```ts
 * await playTogether([[3, 1], [20, 10]], "thread"); // [1, 3, 10, 20]
 * ```
 */
export async function playTogether(rounds: number[][], context: ContextName): Promise<number[]> {
  // TODO: `await using` a manager; a dict of scores and manager.Lock(); one child per round running
  // addScores(scores, lock, "Ada", points); start all, join all; return Ada's scores, sorted.
  throw new Error(`TODO: playTogether(${JSON.stringify(rounds)}, "${context}") is not written yet`);
}
