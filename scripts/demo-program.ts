/**
 * The demo program: run by `pnpm run demo` under Node, Deno and Bun in turn. It starts one child in
 * each context and prints who is who.
 */
import { currentProcess, isMain, parentProcess, Process, runtime, task } from "@multiproc/core";

export const hello = task(import.meta, function hello(context: string) {
  const me = currentProcess();
  console.log(
    `  ${context.padEnd(7)} child ${me.name}: pid ${me.pid}, thread ${me.threadId}, parent ${parentProcess()?.name} (pid ${parentProcess()?.pid})`,
  );
});

if (isMain(import.meta)) {
  console.log(`${runtime.name} ${runtime.version}: main process pid ${process.pid}`);
  for (const context of ["process", "thread"] as const) {
    const p = new Process({ target: hello, args: [context], context });
    p.start();
    await p.join();
  }
}
