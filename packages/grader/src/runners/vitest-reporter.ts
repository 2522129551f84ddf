/**
 * The vitest reporter of a grading run. It lives in vitest's main process, never in the process
 * or worker that runs the learner's code, and sends every result to the grader over a Unix
 * socket. The grader accepts exactly one connection on that socket, and the reporter makes it
 * while vitest starts, before any test file (and so any learner code) is loaded; a connection
 * attempted later by the learner's code is refused. Results are never read from the run's
 * stdout, so printing fake reporter output changes nothing.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import type { Reporter, SerializedError, TestCase, TestModule } from "vitest/node";

/** What vitest hands `onUserConsoleLog` (the type is not exported by `vitest/node`). */
type UserConsoleLog = Parameters<NonNullable<Reporter["onUserConsoleLog"]>>[0];
import { type ReporterMessage, SOCKET_ENV } from "./protocol.ts";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Turns a vitest error into the text a learner reads: the message, then the expected/received
 * diff for assertion errors. Colours are removed.
 *
 * @param e - the serialized error.
 * @returns the text.
 *
 * @example
 * ```ts
 * import { formatVitestError } from "@multiproc/grader";
 * formatVitestError({ message: "expected 1 to be 2", diff: "- 2\n+ 1" }); // "expected 1 to be 2\n\n- 2\n+ 1"
 * ```
 */
export function formatVitestError(e: Pick<SerializedError, "message"> & { diff?: string; name?: string; cause?: unknown }): string {
  const name = e.name && e.name !== "Error" && e.name !== "AssertionError" ? `${e.name}: ` : "";
  let text = `${name}${e.message}${e.diff ? `\n\n${e.diff}` : ""}`;
  // A worker that died carries why in its cause chain (e.g. the signal that killed it).
  for (let cause = e.cause as { message?: unknown; cause?: unknown } | undefined, depth = 0; cause && depth < 3; cause = cause.cause as typeof cause, depth++) {
    if (typeof cause.message === "string" && cause.message) text += `\ncaused by: ${cause.message}`;
  }
  return text.replace(ANSI, "");
}

/**
 * The grader's vitest reporter; see the module documentation.
 *
 * @example
 * ```ts
 * // in the grader's vitest config:
 * export default { test: { reporters: [new GraderReporter()] } };
 * ```
 */
export class GraderReporter implements Reporter {
  #socket: Socket | undefined;
  #connected: Promise<void> | undefined;

  /** Connects to the grader's socket (before any test file is loaded). */
  onInit(): void {
    const path = process.env[SOCKET_ENV];
    if (!path) throw new Error(`GraderReporter: ${SOCKET_ENV} is not set; this reporter only runs under the multiproc grader.`);
    // Workers started from here on do not need it; keep it out of their environment.
    delete process.env[SOCKET_ENV];
    const socket = connect(path);
    this.#socket = socket;
    this.#connected = new Promise((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    this.#send({ t: "hello" });
  }

  /** Waits for the connection before vitest starts any test file. */
  async onTestRunStart(): Promise<void> {
    await this.#connected;
  }

  /** Forwards what a test printed, tagged with the test's id. */
  onUserConsoleLog(log: UserConsoleLog): void {
    this.#send({ t: "log", task: log.taskId, text: log.content });
  }

  /** Forwards one finished test. */
  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    const path: string[] = [];
    for (let p = testCase.parent; p.type === "suite"; p = p.parent) path.unshift(p.name);
    const state = result.state === "passed" ? "passed" : result.state === "failed" ? "failed" : "skipped";
    this.#send({
      t: "case",
      id: testCase.id,
      name: testCase.name,
      path,
      line: testCase.location?.line,
      state,
      errors: (result.errors ?? []).map(formatVitestError),
    });
  }

  /** Forwards a test file's own errors (e.g. it failed to load: a syntax error in the learner's code). */
  onTestModuleEnd(testModule: TestModule): void {
    const errors = testModule.errors().map(formatVitestError);
    if (errors.length > 0) this.#send({ t: "module", file: testModule.moduleId, errors });
  }

  /** Sends the end of the run and closes the channel. */
  async onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: string): Promise<void> {
    this.#send({ t: "end", reason, unhandled: unhandledErrors.map(formatVitestError) });
    const socket = this.#socket;
    if (socket) await new Promise<void>((resolve) => socket.end(resolve));
  }

  #send(message: ReporterMessage): void {
    this.#socket?.write(`${JSON.stringify(message)}\n`);
  }
}
