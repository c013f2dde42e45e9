/**
 * Conformance checks for stream implementations, as Trio's
 * `trio.testing.check_one_way_stream`, `check_two_way_stream` and
 * `check_half_closeable_stream`: call one from a test with a function that
 * makes a fresh, connected pair, and it exercises the contract every stream
 * must keep (bytes in order, `maxBytes`, end of stream, one task per
 * direction, close and broken semantics, cancellation). A broken rule raises
 * {@link StreamCheckError} saying which.
 */
import { acloseForcefully } from "./aclose-forcefully.ts";
import { CancelScope } from "./cancel-scope.ts";
import { BrokenResourceError, BusyResourceError, Cancelled, ClosedResourceError } from "./errors.ts";
import { openNursery } from "./nursery.ts";
import { sleep } from "./sleep.ts";
import type { HalfCloseableStream, ReceiveStream, SendStream, Stream } from "./stream-abc.ts";
import { moveOnAfter } from "./timeouts.ts";
import { waitAllTasksBlocked } from "./wait-all-tasks-blocked.ts";

/** A function that makes a fresh connected pair. */
export type StreamMaker<A, B> = () => Promise<[A, B]> | [A, B];

/** A conformance rule the stream under test broke. */
export class StreamCheckError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StreamCheckError";
  }
}

/** How long a check waits for something that should happen "soon" on real I/O. */
const PATIENCE = 10;

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StreamCheckError(message);
}

async function expectError(kind: abstract new (...a: never[]) => Error, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof kind) return;
    throw new StreamCheckError(`${what}: expected ${kind.name}, got ${(error as Error)?.name ?? typeof error}: ${String(error)}`, {
      cause: error,
    });
  }
  throw new StreamCheckError(`${what}: expected ${kind.name}, but it succeeded`);
}

/** Runs `body` with a fresh pair, closing both ends afterwards whatever happens. */
async function withPair<A extends SendStream | ReceiveStream, B extends SendStream | ReceiveStream>(
  maker: StreamMaker<A, B>,
  body: (a: A, b: B) => Promise<void>,
): Promise<void> {
  const [a, b] = await maker();
  try {
    await body(a, b);
  } finally {
    await acloseForcefully(a);
    await acloseForcefully(b);
  }
}

async function receiveExactly(r: ReceiveStream, n: number, maxBytes?: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const chunk = await r.receiveSome(maxBytes ?? n - got);
    check(chunk.length > 0, `receiveSome returned end of stream after ${got} of ${n} bytes`);
    check(got + chunk.length <= n, `received more bytes than were sent (${got + chunk.length} > ${n})`);
    if (maxBytes !== undefined) check(chunk.length <= maxBytes, `receiveSome(${maxBytes}) returned ${chunk.length} bytes`);
    out.set(chunk, got);
    got += chunk.length;
  }
  return out;
}

async function receiveToEof(r: ReceiveStream): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let d = await r.receiveSome(); d.length; d = await r.receiveSome()) chunks.push(d);
  return chunks;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Sends `data` in one task while another receives it, and checks it arrived intact. */
async function transfer(s: SendStream, r: ReceiveStream, data: Uint8Array, maxBytes?: number): Promise<void> {
  let received: Uint8Array | null = null;
  const scope = await moveOnAfter(PATIENCE, () =>
    openNursery(async (n) => {
      n.startSoon(() => s.sendAll(data));
      received = await receiveExactly(r, data.length, maxBytes);
    }),
  );
  check(!scope.cancelledCaught, `sending ${data.length} bytes did not finish within ${PATIENCE} s (bytes lost?)`);
  check(sameBytes(received!, data), "the bytes received differ from the bytes sent");
}

/**
 * Checks a one-way stream pair (`[SendStream, ReceiveStream]`).
 * @param streamMaker makes a fresh connected pair.
 * @param cloggedStreamMaker makes a pair whose send side is already full
 * (`sendAll` blocks until the receiver reads), or `null` to skip those checks.
 * @throws StreamCheckError naming the first rule broken.
 * @example
 * ```ts
 * await trio.run(() => trio.testing.checkOneWayStream(trio.testing.memoryStreamOneWayPair, null));
 * ```
 */
export async function checkOneWayStream<S extends SendStream, R extends ReceiveStream>(
  streamMaker: StreamMaker<S, R>,
  cloggedStreamMaker: StreamMaker<S, R> | null,
): Promise<void> {
  // Bytes arrive intact and in order, strings as UTF-8, within maxBytes.
  await withPair(streamMaker, async (s, r) => {
    await transfer(s, r, new Uint8Array([1, 2, 3]));
    const many = new Uint8Array(10_000).map((_, i) => i % 251);
    await transfer(s, r, many, 7);
    let text: Uint8Array | null = null;
    await openNursery(async (n) => {
      n.startSoon(() => s.sendAll("é"));
      text = await receiveExactly(r, 2);
    });
    check(sameBytes(text!, new Uint8Array([0xc3, 0xa9])), "a string was not sent as UTF-8");
    await expectError(Error, "receiveSome(0)", () => r.receiveSome(0));
    await s.sendAll(new Uint8Array(0)); // sending nothing is allowed
  });

  // One sender and one receiver at a time.
  await withPair(streamMaker, async (s, r) => {
    const errors: unknown[] = [];
    const record = (fn: () => Promise<unknown>) => async () => {
      try {
        await fn();
      } catch (e) {
        errors.push(e);
      }
    };
    await openNursery(async (n) => {
      n.startSoon(record(() => r.receiveSome()));
      n.startSoon(record(() => r.receiveSome()));
      await waitAllTasksBlocked(0.01);
      check(errors.some((e) => e instanceof BusyResourceError), "two concurrent receiveSome calls did not raise BusyResourceError");
      n.cancelScope.cancel();
    });
  });
  await withPair(streamMaker, async (s, r) => {
    const errors: unknown[] = [];
    await openNursery(async (n) => {
      for (const data of ["1", "2"]) {
        n.startSoon(async () => {
          try {
            await s.sendAll(data);
          } catch (e) {
            errors.push(e);
          }
        });
      }
      n.startSoon(async () => {
        await moveOnAfter(0.5, () => receiveExactly(r, 2));
      });
      await waitAllTasksBlocked(0.01);
      check(errors.some((e) => e instanceof BusyResourceError), "two concurrent sendAll calls did not raise BusyResourceError");
      n.cancelScope.cancel();
    });
  });

  // Closing the sender: the receiver sees end of stream, every time.
  await withPair(streamMaker, async (s, r) => {
    await transfer(s, r, new Uint8Array([9]));
    await s.aclose();
    check((await r.receiveSome()).length === 0, "receiveSome after the sender closed did not return end of stream");
    check((await r.receiveSome()).length === 0, "receiveSome at end of stream did not keep returning end of stream");
    await expectError(ClosedResourceError, "sendAll after aclose()", () => s.sendAll("x"));
    await s.aclose(); // idempotent
    await r.aclose();
    await r.aclose();
    await expectError(ClosedResourceError, "receiveSome after aclose()", () => r.receiveSome());
  });

  // Closing the receiver: the sender breaks, sooner or later.
  await withPair(streamMaker, async (s, r) => {
    await r.aclose();
    let raised: unknown = null;
    await moveOnAfter(PATIENCE, async () => {
      try {
        for (;;) {
          await s.sendAll(new Uint8Array(1000));
          await sleep(0.001);
        }
      } catch (e) {
        raised = e;
      }
    });
    check(raised instanceof BrokenResourceError, `sendAll to a closed receiver raised ${String(raised)} instead of BrokenResourceError`);
  });

  // aclose closes even in a cancelled scope.
  await withPair(streamMaker, async (s, r) => {
    for (const stream of [s, r]) {
      const scope = new CancelScope();
      scope.cancel();
      await scope.run(() => stream.aclose());
    }
    await expectError(ClosedResourceError, "receiveSome after a cancelled aclose()", () => r.receiveSome());
    await expectError(ClosedResourceError, "sendAll after a cancelled aclose()", () => s.sendAll("x"));
  });

  // A task blocked in receiveSome gets ClosedResourceError when another task closes the stream.
  await withPair(streamMaker, async (_s, r) => {
    await openNursery(async (n) => {
      n.startSoon(() => expectError(ClosedResourceError, "receiveSome blocked while the stream was closed", () => r.receiveSome()));
      await waitAllTasksBlocked(0.01);
      await r.aclose();
    });
  });

  // A cancelled receiveSome loses nothing.
  await withPair(streamMaker, async (s, r) => {
    const scope = await moveOnAfter(0.01, () => r.receiveSome());
    check(scope.cancelledCaught, "receiveSome with nothing to receive did not block");
    await transfer(s, r, new Uint8Array([4, 2]));
  });

  // Operations are checkpoints: in a cancelled scope they raise Cancelled.
  await withPair(streamMaker, async (s, r) => {
    const scope = new CancelScope();
    scope.cancel();
    await scope.run(async () => {
      await expectError(Cancelled, "sendAll in a cancelled scope", () => s.sendAll("x"));
      await expectError(Cancelled, "receiveSome in a cancelled scope", () => r.receiveSome());
    });
  });

  if (cloggedStreamMaker === null) return;

  // A clogged sender blocks until the receiver reads, then completes.
  await withPair(cloggedStreamMaker, async (s, r) => {
    const scope = await moveOnAfter(0.05, () => s.sendAll("x"));
    check(scope.cancelledCaught, "sendAll on a clogged stream did not block");
    await openNursery(async (n) => {
      n.startSoon(async () => {
        await moveOnAfter(PATIENCE, async () => {
          for (;;) await r.receiveSome();
        });
      });
      await s.waitSendAllMightNotBlock();
      await s.sendAll("unclogged");
      n.cancelScope.cancel();
    });
  });

  // A task blocked in sendAll gets ClosedResourceError when another closes the stream.
  await withPair(cloggedStreamMaker, async (s) => {
    await openNursery(async (n) => {
      n.startSoon(() =>
        expectError(ClosedResourceError, "sendAll blocked while the stream was closed", () => s.sendAll(new Uint8Array(100_000))),
      );
      await waitAllTasksBlocked(0.01);
      await s.aclose();
    });
  });
}

/** The two one-way halves of a two-way pair, one direction. */
function direction<A extends Stream, B extends Stream>(maker: StreamMaker<A, B>, flip: boolean): StreamMaker<SendStream, ReceiveStream> {
  return async () => {
    const [a, b] = await maker();
    return flip ? [b, a] : [a, b];
  };
}

/**
 * Checks a two-way stream pair: {@link checkOneWayStream} in both
 * directions, then both ends sending a megabyte to each other at once (a
 * stream that can only send or receive at one time deadlocks here).
 * @throws StreamCheckError naming the first rule broken.
 * @example
 * ```ts
 * await trio.testing.checkTwoWayStream(() => trio.testing.memoryStreamPair(), null);
 * ```
 */
export async function checkTwoWayStream<A extends Stream, B extends Stream>(
  streamMaker: StreamMaker<A, B>,
  cloggedStreamMaker: StreamMaker<A, B> | null,
): Promise<void> {
  await checkOneWayStream(direction(streamMaker, false), cloggedStreamMaker && direction(cloggedStreamMaker, false));
  await checkOneWayStream(direction(streamMaker, true), cloggedStreamMaker && direction(cloggedStreamMaker, true));
  await withPair(streamMaker, async (a, b) => {
    const size = 1 << 20;
    const fromA = new Uint8Array(size).map((_, i) => i % 13);
    const fromB = new Uint8Array(size).map((_, i) => i % 17);
    const scope = await moveOnAfter(PATIENCE, () =>
      openNursery(async (n) => {
        n.startSoon(() => a.sendAll(fromA));
        n.startSoon(() => b.sendAll(fromB));
        n.startSoon(async () => check(sameBytes(await receiveExactly(b, size), fromA), "a → b: bytes differ"));
        n.startSoon(async () => check(sameBytes(await receiveExactly(a, size), fromB), "b → a: bytes differ"));
      }),
    );
    check(!scope.cancelledCaught, "simultaneous large sends in both directions did not finish (deadlock?)");
  });
}

/**
 * Checks a half-closeable stream pair: {@link checkTwoWayStream}, then
 * `sendEof` (the peer sees end of stream and can still answer; sending after
 * it raises `ClosedResourceError`; calling it twice is fine; it conflicts with
 * a concurrent `sendAll`).
 * @throws StreamCheckError naming the first rule broken.
 * @example
 * ```ts
 * await trio.testing.checkHalfCloseableStream(async () => socketPair(), null);
 * ```
 */
export async function checkHalfCloseableStream<A extends HalfCloseableStream, B extends HalfCloseableStream>(
  streamMaker: StreamMaker<A, B>,
  cloggedStreamMaker: StreamMaker<A, B> | null,
): Promise<void> {
  await checkTwoWayStream(streamMaker, cloggedStreamMaker);
  await withPair(streamMaker, async (a, b) => {
    await openNursery(async (n) => {
      n.startSoon(async () => {
        await a.sendAll("request");
        await a.sendEof();
      });
      const got = await receiveToEof(b);
      check(Buffer.concat(got).toString() === "request", "data sent before sendEof did not all arrive");
    });
    await expectError(ClosedResourceError, "sendAll after sendEof", () => a.sendAll("x"));
    await a.sendEof(); // twice is fine
    check((await b.receiveSome()).length === 0, "end of stream after sendEof is not sticky");
    await transfer(b, a, new Uint8Array([7, 7])); // the other direction still works
  });
  if (cloggedStreamMaker === null) return;
  await withPair(cloggedStreamMaker, async (a) => {
    await openNursery(async (n) => {
      n.startSoon(async () => {
        await moveOnAfter(1, () => a.sendAll(new Uint8Array(100_000)));
      });
      await waitAllTasksBlocked(0.01);
      await expectError(BusyResourceError, "sendEof while a sendAll is blocked", () => a.sendEof());
      n.cancelScope.cancel();
    });
  });
}
