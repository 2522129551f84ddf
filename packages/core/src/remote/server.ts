/**
 * The socket server of this thread. Two kinds of clients connect to it: children this thread
 * started as OS processes (their first frame names their start token), and peers — any process
 * or thread that uses an object this thread owns (a lock, a queue…; see `objects.ts`).
 *
 * @internal
 * @module
 */
import { frame, FrameReader } from "../codec/index.ts";
import { adapter, type StreamServer } from "../runtime/index.ts";
import { StreamChannel } from "../process/channel.ts";

/** Who a peer says it is when it connects. */
export interface PeerHello {
  /** The peer's process name. */
  readonly name: string;
  /** The peer's OS pid. */
  readonly pid: number;
  /** The peer's thread id. */
  readonly threadId: number;
}

type Hello = { child: string } | { peer: PeerHello };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

let server: StreamServer | undefined;
const waitingChildren = new Map<string, StreamChannel>();
let peerHandler: ((channel: StreamChannel, hello: PeerHello) => void) | undefined;

/** The first frame a client sends. */
export function helloFrame(hello: Hello): Uint8Array {
  return frame(textEncoder.encode(JSON.stringify(hello)));
}

/** This thread's server, started on first use. It never keeps the program alive by itself. */
export function localServer(): StreamServer {
  if (server !== undefined) return server;
  const srv = adapter.listen((stream) => {
    const reader = new FrameReader();
    let done = false;
    stream.onData((chunk) => {
      if (done) return;
      const frames = reader.push(chunk);
      const first = frames.shift();
      if (first === undefined) return;
      done = true;
      let hello: Hello;
      try {
        hello = JSON.parse(textDecoder.decode(first)) as Hello;
      } catch {
        stream.destroy();
        return;
      }
      if ("child" in hello) {
        const channel = waitingChildren.get(hello.child);
        if (channel === undefined) return stream.destroy();
        waitingChildren.delete(hello.child);
        channel.attach(stream, { reader, frames });
      } else if ("peer" in hello && peerHandler !== undefined) {
        const channel = new StreamChannel();
        channel.unref();
        // Handlers first: the frames that came with the hello are dispatched on attach.
        peerHandler(channel, hello.peer);
        channel.attach(stream, { reader, frames });
      } else {
        stream.destroy();
      }
    });
  });
  srv.unref();
  adapter.onExit(() => srv.close());
  server = srv;
  return srv;
}

/** The path of this thread's server if it has been started. */
export function localServerPath(): string | undefined {
  return server?.path;
}

/** Registers the channel a child OS process will be attached to when it connects with `token`. */
export function expectChild(token: string, channel: StreamChannel): void {
  waitingChildren.set(token, channel);
}

/** Forgets a child that ended without connecting. */
export function forgetChild(token: string): void {
  waitingChildren.delete(token);
}

/** Sets who handles peer connections (the object server). */
export function onPeerConnection(handler: (channel: StreamChannel, hello: PeerHello) => void): void {
  peerHandler = handler;
}
