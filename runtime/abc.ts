/** `trio.abc`: the interfaces you implement to plug into the runtime. */
export type { Instrument } from "./instrument.ts";
export type { Clock } from "./clock.ts";
export type { AsyncResource, SendStream, ReceiveStream, Stream, HalfCloseableStream, Listener } from "./stream-abc.ts";
