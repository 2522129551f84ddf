/**
 * Runs an exercise's tests with vitest, under Node or under Deno, and collects the results from
 * the grader's reporter over a Unix socket (see `vitest-reporter.ts` for why that channel cannot
 * be forged by the learner's code).
 *
 * Where the learner's code runs, and with which permissions:
 *
 * - **Node**: in vitest's `forks` pool, i.e. in a child process of vitest started with Node's
 *   permission model (`--permission`): it may read the exercise copy, the workspace packages and
 *   `node_modules`; it may write only the run's TMPDIR; it may start worker threads, and child
 *   processes only in the `process` context (Node 24 hands the permission flags down to the Node
 *   children it starts; a non-Node program started from there is not restricted, which is why
 *   `--allow-child-process` is granted only where the exercise needs it). Vitest's main process,
 *   which holds the reporter, runs without restrictions (it must write caches and talk to the
 *   grader) but never runs learner code.
 * - **Deno**: vitest's `forks` pool cannot be used, because Deno starts forked children with
 *   `-A` (all permissions), whatever the parent had (measured with Deno 2.9.6). So the tests run
 *   in vitest's `threads` pool — Web Workers, which inherit the process's permissions — and the
 *   whole Deno process runs with only: read the exercise copy, the run directory, the workspace
 *   packages and `node_modules`; write the run's TMPDIR and vitest's token folder; env; sys;
 *   FFI for the rolldown native binding vite needs; net, in full (vite's `localhost` lookups, the
 *   result socket, and a thread-context Manager's Unix socket, named at run time). In the
 *   `process` context it may also run Deno itself, and read, write and net are granted **in full**: the library starts each Deno child with the permissions its parent
 *   holds in full (Deno's API cannot read a path-scoped grant back, so a child would get none of
 *   a scoped one and could not even load its modules), and a child connects to its parent over a
 *   Unix socket whose name is chosen at run time, which Deno 2.9.6 can only allow by exact path
 *   (`--allow-net=unix:<dir>` does not cover the sockets in `<dir>`: denoland/deno#36762).
 *   Measured: with the scoped grants every child exits with "Requires read access" or "Requires
 *   write access" to the socket.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContextName } from "../exercise.ts";
import type { CaseOutcome, RunnerReport } from "../results.ts";
import { resolvePackageDir, resolveRuntimeBinary } from "../runtimes.ts";
import type { SandboxOptions } from "../sandbox.ts";
import type { Scratch } from "../scratch.ts";
import { type ReporterMessage, SETTINGS_ENV, SOCKET_ENV, type VitestSettings } from "./protocol.ts";

const CONFIG = fileURLToPath(new URL("./vitest.config.ts", import.meta.url));

/**
 * The result channel of one vitest run: a Unix socket that accepts its first connection (the
 * reporter's) and refuses every later one.
 *
 * @example
 * ```ts
 * const channel = await openResultChannel("/tmp/run/report/results.sock");
 * // … run vitest …
 * const report = await channel.finish(2000);
 * ```
 */
export interface ResultChannel {
  /** The socket's path. */
  path: string;
  /** Stops listening and returns what the reporter sent, waiting up to `graceMs` for the reporter to close. */
  finish(graceMs: number): Promise<RunnerReport>;
}

/**
 * Opens the result channel of a run.
 *
 * @param path - where to create the socket (inside the run's private directory).
 * @returns the channel.
 *
 * @example
 * ```ts
 * import { openResultChannel } from "@multiproc/grader";
 * const channel = await openResultChannel(join(scratch.reportDir, "results.sock"));
 * ```
 */
export async function openResultChannel(path: string): Promise<ResultChannel> {
  const messages: ReporterMessage[] = [];
  let reporter: Socket | undefined;
  let closed: Promise<void> = new Promise<void>(() => {});
  const server: Server = createServer((socket) => {
    if (reporter) {
      // Only the first connection is the reporter's: vitest's main process makes it before any
      // test file is loaded. Anything later is the code under test.
      socket.destroy();
      return;
    }
    reporter = socket;
    server.close();
    closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          messages.push(JSON.parse(line) as ReporterMessage);
        } catch {
          // a torn line from a killed reporter; the run is reported as unfinished anyway
        }
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  return {
    path,
    async finish(graceMs) {
      server.close();
      if (reporter && !reporter.destroyed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
        clearTimeout(timer);
        reporter.destroy();
      }
      return collect(messages);
    },
  };
}

function collect(messages: readonly ReporterMessage[]): RunnerReport {
  const logs = new Map<string, string>();
  const cases: Array<CaseOutcome & { id: string }> = [];
  const report: RunnerReport = { finished: false, cases, loadErrors: [], otherErrors: [] };
  for (const m of messages) {
    if (m.t === "log" && m.task) logs.set(m.task, (logs.get(m.task) ?? "") + m.text);
    else if (m.t === "case") {
      const status = m.state === "passed" ? "pass" : m.state === "failed" ? "fail" : "skip";
      const c: CaseOutcome & { id: string } = { id: m.id, path: m.path, name: m.name, status, output: "" };
      if (m.line !== undefined) c.line = m.line;
      if (m.errors.length > 0) c.message = m.errors.join("\n\n");
      cases.push(c);
    } else if (m.t === "module") report.loadErrors.push(...m.errors);
    else if (m.t === "end") {
      report.finished = true;
      report.otherErrors.push(...m.unhandled);
    }
  }
  for (const c of cases) c.output = logs.get(c.id) ?? "";
  // A file that failed to load but still had tests reported: its errors belong to the run.
  if (cases.some((c) => c.status !== "skip") && report.loadErrors.length > 0) {
    report.otherErrors.push(...report.loadErrors);
    report.loadErrors = [];
  }
  return report;
}

/**
 * What is needed to start vitest for one run.
 *
 * @example
 * ```ts
 * const inv: VitestInvocation = { runtime: "node", scratch, workspace: "/work/main", testFiles: ["x.test.ts"],
 *   context: "process", testTimeoutMs: 30_000, socketPath: "/tmp/…/results.sock" };
 * ```
 */
export interface VitestInvocation {
  runtime: "node" | "deno";
  scratch: Scratch;
  workspace: string;
  testFiles: string[];
  context: ContextName | undefined;
  testTimeoutMs: number;
  socketPath: string;
}

/**
 * The command, arguments and environment (minus the sandbox's own additions) that run the
 * tests with vitest under Node or Deno with the permissions described in the module docs.
 *
 * @param inv - the run.
 * @param baseEnv - the environment to start from (PATH, HOME, …).
 * @returns the sandbox options without the limits.
 *
 * @example
 * ```ts
 * import { vitestCommand } from "@multiproc/grader";
 * const { command, args, env } = vitestCommand(inv, { PATH: process.env.PATH ?? "" });
 * ```
 */
export function vitestCommand(inv: VitestInvocation, baseEnv: Record<string, string>): Pick<SandboxOptions, "command" | "args" | "env" | "cwd"> {
  const { scratch, workspace } = inv;
  const vitestCli = join(resolvePackageDir(workspace, "vitest"), "vitest.mjs");
  const readable = [scratch.base, join(workspace, "packages"), join(workspace, "node_modules")];
  const needsProcesses = inv.context === "process";
  const settings: VitestSettings = { include: inv.testFiles, pool: inv.runtime === "node" ? "forks" : "threads", testTimeoutMs: inv.testTimeoutMs, execArgv: [] };
  if (inv.runtime === "node") {
    settings.execArgv = [
      "--permission",
      ...readable.map((p) => `--allow-fs-read=${p}`),
      `--allow-fs-write=${scratch.tmpDir}`,
      "--allow-worker",
      ...(needsProcesses ? ["--allow-child-process"] : []),
    ];
  }
  const env: Record<string, string> = {
    ...baseEnv,
    TMPDIR: scratch.tmpDir,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    [SOCKET_ENV]: inv.socketPath,
    [SETTINGS_ENV]: JSON.stringify(settings),
  };
  if (inv.context) env.MULTIPROC_CONTEXT = inv.context;
  const vitestArgs = [vitestCli, "run", "--config", CONFIG, "--root", scratch.exerciseDir, "--configLoader", "native"];
  if (inv.runtime === "node") return { command: resolveRuntimeBinary(workspace, "node"), args: vitestArgs, env, cwd: scratch.exerciseDir };

  const deno = resolveRuntimeBinary(workspace, "deno");
  // vite's is-wsl check reads /proc/sys/fs/binfmt_misc/WSLInterop at import unless this is set,
  // and Deno refuses that path without --allow-all.
  env.__IS_WSL_TEST__ = "1";
  // In the `process` context, read, write and net are granted in full (see the module docs):
  // the library's Deno children inherit only full grants, and must reach their parent's socket.
  const args = [
    "run",
    "--no-prompt",
    "--no-lock",
    "--no-config",
    "--node-modules-dir=manual",
    needsProcesses ? "--allow-read" : `--allow-read=${readable.join(",")}`,
    // Deno wants both write access to a Unix socket's path and net access to `unix:<path>` to connect.
    needsProcesses ? "--allow-write" : `--allow-write=${[scratch.tmpDir, join(scratch.base, "node_modules"), inv.socketPath].join(",")}`,
    "--allow-env",
    "--allow-sys",
    `--allow-ffi=${join(workspace, "node_modules", ".pnpm")}`,
    // Net in full in both contexts: a thread-context Manager serves its objects on a Unix socket
    // named at run time (see the module docs for why no narrower grant can name it).
    "--allow-net",
    ...(needsProcesses ? [`--allow-run=${deno}`] : []),
    ...vitestArgs,
  ];
  return { command: deno, args, env, cwd: scratch.exerciseDir };
}
