import { LockImpl } from "./lock-impl.ts";

/**
 * A lock that promises strict FIFO hand-off: tasks get it in exactly the
 * order they called `acquire()`, now and in future versions (where `Lock`
 * might trade strictness for speed, as Trio reserves the right to). Use it
 * when the order matters, e.g. to keep messages written to a stream in
 * order. Same methods as `Lock`; it cannot back a `Condition`.
 *
 * @example
 * ```ts
 * const sendLock = new trio.StrictFIFOLock();
 * await sendLock.withAcquired(() => stream.sendAll(message));
 * ```
 */
export class StrictFIFOLock extends LockImpl {}
