/**
 * The command line of `pnpm bench`.
 *
 * @module
 */
import { BenchUsageError } from "./errors.ts";

/**
 * The usage text printed by `--help` and with every usage error.
 *
 * @example
 * ```ts
 * console.log(usage);
 * ```
 */
export const usage = `usage: pnpm bench [name-filter…] [--repeat N] [--quick] [--json out.json] [--list]

  name-filter   run only workloads whose name contains one of these words
  --repeat N    measurements per system, each in a fresh child process (default 5; 1 with --quick)
  --quick       tiny parameters: a fast smoke run, not a measurement
  --json FILE   also write every sample and the machine's details as JSON to FILE
  --list        list the workloads and their systems, measure nothing`;

/**
 * What `pnpm bench` was asked to do.
 *
 * @example
 * ```ts
 * const o: BenchOptions = { filters: ["pool"], repeat: 5, quick: false, list: false, help: false };
 * ```
 */
export interface BenchOptions {
  readonly filters: readonly string[];
  readonly repeat: number;
  readonly quick: boolean;
  readonly json?: string;
  readonly list: boolean;
  readonly help: boolean;
}

/**
 * Parses `pnpm bench`'s arguments.
 *
 * @param argv - the arguments after the script's path.
 * @returns the options.
 * @throws BenchUsageError for an unknown flag or a bad value, with the usage in the message.
 *
 * @example
 * ```ts
 * parseArgs(["spawn", "--repeat", "3"]); // { filters: ["spawn"], repeat: 3, quick: false, … }
 * ```
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const filters: string[] = [];
  let repeat: number | undefined;
  let quick = false;
  let json: string | undefined;
  let list = false;
  let help = false;
  const fail = (why: string): never => {
    throw new BenchUsageError(`${why}\n\n${usage}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) return fail(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case "--repeat": {
        const text = value();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) fail(`--repeat needs a positive whole number, got "${text}"`);
        repeat = n;
        break;
      }
      case "--quick":
        quick = true;
        break;
      case "--json":
        json = value();
        break;
      case "--list":
        list = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--":
        break;
      default:
        if (a.startsWith("-")) fail(`unknown option ${a}`);
        filters.push(a);
    }
  }
  return { filters, repeat: repeat ?? (quick ? 1 : 5), quick, ...(json === undefined ? {} : { json }), list, help };
}
