/**
 * The entry point of every child, in both contexts: connect back to the parent, then run what
 * the parent sends (see `child.ts`). Not meant to be started by hand.
 *
 * @internal
 * @module
 */
// The whole package, so that every handle kind it defines can be received.
import "../index.ts";
import { adapter } from "../runtime/index.ts";
import { StreamChannel, ThreadStartReceiver } from "./channel.ts";
import { runChild } from "./child.ts";
import { helloFrame } from "../remote/server.ts";
import { socketEnv, tokenEnv } from "./spawn.ts";

const data = adapter.workerData as { multiprocChild?: boolean; start?: unknown } | undefined;
if (adapter.isWorkerThread && data?.multiprocChild === true) {
  // A worker thread: its start came with it (see `startWorkerThread` in spawn.ts).
  const receiver = new ThreadStartReceiver();
  runChild(receiver);
  receiver.deliver(data.start);
} else {
  const path = adapter.env(socketEnv);
  const token = adapter.env(tokenEnv);
  if (path === undefined || token === undefined) {
    adapter.writeStderr("multiproc: this file is the entry point of multiproc's child processes; it is not meant to be run by hand.\n");
    adapter.exit(2);
  }
  // Children of this child get their own values; the user's own subprocesses get none.
  adapter.unsetEnv(socketEnv);
  adapter.unsetEnv(tokenEnv);
  let stream;
  try {
    stream = await adapter.connect(path, 10_000);
  } catch (error) {
    adapter.writeStderr(`multiproc: a child could not reach its parent at ${path}: ${(error as Error).message}\n`);
    adapter.exit(1);
  }
  stream.write(helloFrame({ child: token }));
  const channel = new StreamChannel(stream);
  // The parent is gone (it exited or was killed): a child never outlives its parent.
  channel.onClose(() => adapter.exit(1));
  // The socket stays open (and ref'd) until this child exits: it keeps the child alive.
  runChild(channel, { announce: (code) => channel.send("exiting", code), channelKeepsAlive: true });
}
