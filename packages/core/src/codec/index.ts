/**
 * The message codec of `@multiproc/core`: values to JSON + binary attachments and back, byte
 * layout for OS processes, framing for byte streams, and handles for the library's own objects.
 *
 * @example
 * ```ts
 * import { decodeFromBytes, encodeToBytes } from "./index.ts";
 * decodeFromBytes(encodeToBytes({ a: [1, 2n, NaN] })); // { a: [1, 2n, NaN] }
 * ```
 *
 * @module
 */
export { decode, decodeFromBytes, encode, encodeToBytes } from "./codec.ts";
export type { EncodeOptions, Encoded, Target } from "./codec.ts";
export {
  DeserializationError,
  FrameError,
  RegistrationError,
  SerializationError,
  UnknownHandleError,
} from "./errors.ts";
export { FrameReader, frame } from "./frames.ts";
export type { FrameReaderOptions } from "./frames.ts";
export { reduceSymbol, registerErrorClass, registerHandle } from "./handles.ts";
export type { ReducedHandle, Reducible } from "./handles.ts";
