/**
 * Runs one grading run as untrusted code: in its own process group and session, with a
 * wall-clock limit, a cap on how many processes it may have at once, and a marker in its
 * environment; whatever happens (normal exit, crash, timeout, fork storm), every process of the
 * run is killed before the result is returned, so nothing is left behind.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { findRunProcesses, hasProcfs, killRun, RUN_MARKER_VAR } from "./process-tree.ts";

/**
 * What to run and under which limits.
 *
 * @example
 * ```ts
 * const opts: SandboxOptions = {
 *   command: process.execPath, args: ["-e", "console.log(1)"], cwd: "/tmp", env: { PATH: "/usr/bin" },
 *   timeLimitMs: 10_000, maxProcesses: 32,
 * };
 * ```
 */
export interface SandboxOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the run (nothing is inherited from the grader). */
  env: Record<string, string>;
  /** Wall-clock limit; the run is killed when it is reached. */
  timeLimitMs: number;
  /** Most processes the run may have alive at once; more is a fork storm and is killed. */
  maxProcesses: number;
  /** Called with the run's first pid once it has started (tests use it to look for leftovers). */
  onStart?: (pid: number, marker: string) => void;
}

/**
 * How a sandboxed run ended.
 *
 * @example
 * ```ts
 * const r: SandboxResult = { exitCode: 0, signal: null, timedOut: false, processLimitHit: false,
 *   stdout: "", stderr: "", durationMs: 812, leftoversKilled: 0, pid: 1234, marker: "…" };
 * ```
 */
export interface SandboxResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The time limit was reached and the run was killed. */
  timedOut: boolean;
  /** More than `maxProcesses` processes were alive at once and the run was killed. */
  processLimitHit: boolean;
  /** The last 64 KiB of what the run printed (never used to decide results). */
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Processes of the run still alive after its first process ended, killed by the grader. */
  leftoversKilled: number;
  /** The first process's pid (also the run's process group and session id). */
  pid: number;
  /** The marker in the run's environment. */
  marker: string;
}

const TAIL_BYTES = 64 * 1024;
/** How often the process count is checked for a fork storm. */
const WATCH_INTERVAL_MS = 50;

function tail(chunks: Buffer[], size: number): string {
  const all = Buffer.concat(chunks).toString("utf8");
  return size > TAIL_BYTES ? `…${all.slice(-TAIL_BYTES)}` : all;
}

/**
 * Runs a command as an untrusted, time-limited process tree and kills the whole tree when it ends.
 *
 * @param opts - the command and limits.
 * @returns how it ended.
 *
 * @example
 * ```ts
 * import { runSandboxed } from "@multiproc/grader";
 * const r = await runSandboxed({ command: process.execPath, args: ["-e", "for(;;){}"], cwd: "/tmp",
 *   env: {}, timeLimitMs: 1000, maxProcesses: 8 });
 * r.timedOut; // true
 * ```
 */
export function runSandboxed(opts: SandboxOptions): Promise<SandboxResult> {
  const marker = randomUUID();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: { ...opts.env, [RUN_MARKER_VAR]: marker },
      // Own process group and session, so that kill(-pid) reaches the whole tree.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outSize = 0;
    let errSize = 0;
    const keep = (chunks: Buffer[], chunk: Buffer, size: number): number => {
      chunks.push(chunk);
      let total = size + chunk.length;
      while (chunks.length > 1 && total - (chunks[0]?.length ?? 0) >= TAIL_BYTES) total -= chunks.shift()?.length ?? 0;
      return total;
    };
    child.stdout.on("data", (c: Buffer) => (outSize = keep(out, c, outSize)));
    child.stderr.on("data", (c: Buffer) => (errSize = keep(err, c, errSize)));

    let timedOut = false;
    let processLimitHit = false;
    let stopping: Promise<number> | undefined;
    const pid = child.pid;
    const stop = (): Promise<number> => (stopping ??= pid === undefined ? Promise.resolve(0) : killRun(pid, marker));

    child.on("error", (e) => {
      clearTimeout(timer);
      clearInterval(watch);
      reject(e);
    });
    if (pid !== undefined) opts.onStart?.(pid, marker);

    const timer = setTimeout(() => {
      timedOut = true;
      void stop();
    }, opts.timeLimitMs);
    const watch = setInterval(() => {
      if (pid === undefined || !hasProcfs || stopping) return;
      if (findRunProcesses(pid).length > opts.maxProcesses) {
        processLimitHit = true;
        void stop();
      }
    }, WATCH_INTERVAL_MS);

    let closed = false;
    const closedOrTimeout = new Promise<void>((res) => {
      child.on("close", () => {
        closed = true;
        res();
      });
      // A process that escaped the run (left its group and cleared its environment) may still
      // hold the output pipes open; do not wait for it forever.
      child.on("exit", () => setTimeout(res, 2000).unref());
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      // The first process is gone; whatever of the run is still alive is a leftover.
      const wasStopping = stopping !== undefined;
      void stop()
        .then(async (killed) => {
          await closedOrTimeout;
          if (!closed) {
            child.stdout.destroy();
            child.stderr.destroy();
          }
          resolve({
            exitCode: code,
            signal,
            timedOut,
            processLimitHit,
            stdout: tail(out, outSize),
            stderr: tail(err, errSize),
            durationMs: performance.now() - started,
            leftoversKilled: wasStopping ? 0 : killed,
            pid: pid ?? -1,
            marker,
          });
        })
        .catch(reject);
    });
  });
}
