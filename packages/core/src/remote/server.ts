/**
 * The socket server of this thread. Two kinds of clients connect to it: children this thread
 * started as OS processes (their first frame names their start token), and peers — any process
 * or thread that uses an object this thread owns (a lock, a queue…; see `objects.ts`).
 *
 * @internal
 * @module
 */
import { frame, FrameReader } from "../codec/index.ts";
import { adapter, type ByteStream, type StreamServer } from "../runtime/index.ts";
import { StreamChannel } from "../process/channel.ts";
import { splitStream, type SplitStream } from "./split-stream.ts";

/** Who a peer says it is when it connects. */
export interface PeerHello {
  /** The peer's process name. */
  readonly name: string;
  /** The peer's OS pid. */
  readonly pid: number;
  /** The peer's thread id. */
  readonly threadId: number;
}

/**
 * A client's first frame. A peer connects twice (see `split-stream.ts`): `up` names the
 * connection it writes on, `down` the one this server writes on, and both carry the same key.
 */
type Hello = { child: string } | { peer: PeerHello; up: string } | { down: string };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

let server: StreamServer | undefined;
const waitingChildren = new Map<string, StreamChannel>();
let peerHandler: ((channel: StreamChannel, hello: PeerHello) => void) | undefined;
/** A peer's connection as the server gets it: the stream it reads, or the socket it writes on. */
type Half = { split: SplitStream } | { down: ByteStream };

/** Peers' connections whose other half has not come yet, by key. */
const halves = new Map<string, Half>();

/** Pairs a peer's two connections, whichever comes first. */
function pairHalves(key: string, half: Half): void {
  const other = halves.get(key);
  const split = "split" in half ? half.split : other !== undefined && "split" in other ? other.split : undefined;
  const down = "down" in half ? half.down : other !== undefined && "down" in other ? other.down : undefined;
  if (split !== undefined && down !== undefined) {
    halves.delete(key);
    split.setOutgoing(down);
    return;
  }
  halves.set(key, half);
  // A peer that goes before its other connection comes leaves nothing behind.
  ("split" in half ? half.split : half.down).onClose(() => {
    if (halves.get(key) === half) halves.delete(key);
  });
}

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
      } else if ("peer" in hello && typeof hello.up === "string" && peerHandler !== undefined) {
        const channel = new StreamChannel();
        channel.unref();
        const split = splitStream(stream);
        // Handlers first: the frames that came with the hello are dispatched on attach.
        peerHandler(channel, hello.peer);
        channel.attach(split, { reader, frames });
        pairHalves(hello.up, { split });
      } else if ("down" in hello && typeof hello.down === "string") {
        stream.unref();
        pairHalves(hello.down, { down: stream });
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
