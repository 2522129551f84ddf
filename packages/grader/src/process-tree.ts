/**
 * Finds and kills every process of one grading run. A run is started as the leader of its own
 * process group and session, with a unique marker in its environment; a process belongs to the
 * run if it is in that group or session, descends from the leader, or carries the marker (which
 * catches children that called `setsid()` or were started `detached` and then orphaned). Only a
 * process that both leaves the group and clears its environment escapes; that needs an OS
 * container (cgroups), which is out of the grader's reach — see the README.
 *
 * Linux only (`/proc`); elsewhere the grader falls back to killing the process group.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

/**
 * The environment variable holding a run's marker.
 *
 * @example
 * ```ts
 * import { RUN_MARKER_VAR } from "@multiproc/grader";
 * process.env[RUN_MARKER_VAR]; // set inside a grading run
 * ```
 */
export const RUN_MARKER_VAR = "MULTIPROC_GRADER_RUN";

/**
 * One row of the process table.
 *
 * @example
 * ```ts
 * const p: ProcessEntry = { pid: 42, ppid: 1, pgid: 42, sid: 42, state: "S" };
 * ```
 */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** `R`, `S`, `D`, `Z` (zombie: dead, not yet reaped), … */
  state: string;
}

/**
 * Whether this system has a Linux-style `/proc` to read the process table from.
 *
 * @example
 * ```ts
 * import { hasProcfs } from "@multiproc/grader";
 * if (!hasProcfs) console.warn("only the process group will be killed");
 * ```
 */
export const hasProcfs = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

/**
 * Reads the process table from `/proc` (empty where there is none).
 *
 * @returns every process that could be read.
 *
 * @example
 * ```ts
 * import { readProcessTable } from "@multiproc/grader";
 * readProcessTable().filter((p) => p.ppid === process.pid);
 * ```
 */
export function readProcessTable(): ProcessEntry[] {
  if (!hasProcfs) return [];
  const rows: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp session …"; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    rows.push({ pid: Number(name), state: fields[0] ?? "?", ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]) });
  }
  return rows;
}

function carriesMarker(pid: number, marker: string): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, "latin1");
    return `\0${env}`.includes(`\0${RUN_MARKER_VAR}=${marker}\0`);
  } catch {
    return false;
  }
}

/**
 * The live processes of a run: in the leader's group or session, descended from it, or (when
 * `marker` is given) carrying the run's marker. Zombies are left out: they are already dead.
 *
 * @param leader - the pid of the run's first process (its group and session id).
 * @param marker - the run's marker, to also scan every process's environment (slower).
 * @param table - a process table, to reuse one already read.
 * @returns the pids.
 *
 * @example
 * ```ts
 * import { findRunProcesses } from "@multiproc/grader";
 * findRunProcesses(child.pid!).length; // how many processes the run has now
 * ```
 */
export function findRunProcesses(leader: number, marker?: string, table: ProcessEntry[] = readProcessTable()): number[] {
  const live = table.filter((p) => p.state !== "Z" && p.state !== "X" && p.pid !== process.pid);
  const members = new Set<number>();
  for (const p of live) if (p.pid === leader || p.pgid === leader || p.sid === leader) members.add(p.pid);
  if (marker) for (const p of live) if (!members.has(p.pid) && carriesMarker(p.pid, marker)) members.add(p.pid);
  // Descendants of any member (children that moved to a group of their own).
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of live) {
      if (!members.has(p.pid) && (members.has(p.ppid) || p.ppid === leader)) {
        members.add(p.pid);
        grew = true;
      }
    }
  }
  return [...members];
}

function kill(pid: number, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, "SIGKILL");
  } catch {
    // already gone, or not ours
  }
}

/**
 * Kills every process of a run with SIGKILL, again and again until none is left (a fork storm
 * keeps starting processes while it is being killed).
 *
 * @param leader - the pid of the run's first process.
 * @param marker - the run's marker.
 * @returns how many distinct processes were killed (not counting the group kill on non-Linux).
 *
 * @example
 * ```ts
 * import { killRun } from "@multiproc/grader";
 * const killed = await killRun(child.pid!, marker);
 * ```
 */
export async function killRun(leader: number, marker: string): Promise<number> {
  kill(leader, true);
  if (!hasProcfs) return 0;
  const killed = new Set<number>();
  for (let round = 0; round < 200; round++) {
    const left = findRunProcesses(leader, marker);
    if (left.length === 0) return killed.size;
    for (const pid of left) {
      killed.add(pid);
      kill(pid, false);
    }
    kill(leader, true);
    // Let the kernel deliver the signals before looking again.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return killed.size;
}
