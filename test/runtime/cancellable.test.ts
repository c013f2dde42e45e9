// trio.cancellable and CancelScope.signal: how code awaiting promises the
// runtime did not make (fetch, node:timers/promises) is cancelled with its scope.
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

/** A promise settled only by the test. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("trio.cancellable", () => {
  it("resolves with the promise's value and rejects with its error", async () => {
    await trio.run(async () => {
      await expect(trio.cancellable(Promise.resolve(7))).resolves.toBe(7);
      await expect(trio.cancellable(Promise.reject(new RangeError("nope")))).rejects.toBeInstanceOf(RangeError);
    });
  });

  it("interrupts the wait when its scope is cancelled, and ignores the late result", async () => {
    const late = deferred<string>();
    const record: string[] = [];
    await trio.run({ clock: autojump() }, async () => {
      const scope = await trio.moveOnAfter(1, async () => {
        record.push(await trio.cancellable(late.promise));
      });
      expect(scope.cancelledCaught).toBe(true);
      late.resolve("too late");
      await trio.sleep(1);
    });
    expect(record).toEqual([]);
  });

  it("aborts the operation through the signal it hands to a factory", async () => {
    let seen: AbortSignal | undefined;
    await trio.run({ clock: autojump() }, async () => {
      await trio.moveOnAfter(1, () =>
        trio.cancellable((signal) => {
          seen = signal;
          return delay(60_000, undefined, { signal });
        }),
      );
    });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(trio.Cancelled);
  });

  it("does not even start the operation inside an already-cancelled scope", async () => {
    let started = false;
    await trio.run(async () => {
      const scope = new trio.CancelScope();
      scope.cancel();
      await scope.run(() =>
        trio.cancellable(async () => {
          started = true;
        }),
      );
      expect(scope.cancelledCaught).toBe(true);
    });
    expect(started).toBe(false);
  });

  it("lets other tasks run while it waits, unlike a blocked host call", async () => {
    const gate = deferred<void>();
    const record: string[] = [];
    await trio.run(async () => {
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await trio.cancellable(gate.promise);
          record.push("waiter done");
        });
        n.startSoon(async () => {
          await trio.testing.waitAllTasksBlocked();
          record.push("other ran");
          gate.resolve();
        });
      });
    });
    expect(record).toEqual(["other ran", "waiter done"]);
  });
});

describe("CancelScope.signal", () => {
  it("aborts when an outer scope is cancelled, but not through a shield", async () => {
    await trio.run(async () => {
      const outer = new trio.CancelScope();
      let inner: AbortSignal | undefined;
      let shielded: AbortSignal | undefined;
      await outer.run(async () => {
        await new trio.CancelScope().run((s) => {
          inner = s.signal;
        });
        await new trio.CancelScope({ shield: true }).run(async (s) => {
          shielded = s.signal;
          const nested = new trio.CancelScope();
          await nested.run(async () => {
            outer.cancel();
            expect(nested.signal.aborted).toBe(false);
          });
        });
      });
      expect(inner?.aborted).toBe(false); // it had exited before the cancel
      expect(shielded?.aborted).toBe(false);
    });
  });

  it("is already aborted when asked for inside a cancelled scope", async () => {
    await trio.run(async () => {
      const outer = new trio.CancelScope();
      await outer.run(async () => {
        outer.cancel();
        await new trio.CancelScope().run((s) => {
          expect(s.signal.aborted).toBe(true);
          expect(trio.lowlevel.currentCancelSignal().aborted).toBe(true);
        });
      });
    });
  });

  it("aborts when the shield that held a cancellation off is lowered", async () => {
    await trio.run(async () => {
      const outer = new trio.CancelScope();
      await outer.run(async () => {
        const shield = new trio.CancelScope({ shield: true });
        await shield.run(async () => {
          outer.cancel();
          const signal = trio.lowlevel.currentCancelSignal();
          expect(signal.aborted).toBe(false);
          shield.shield = false;
          expect(signal.aborted).toBe(true);
        });
      });
    });
  });
});

describe("the run loop and Node's own I/O", () => {
  it("serves a loopback socket while a task spins on checkpoints", async () => {
    // A spinning task must leave the event loop its turn: the socket's data
    // arrives and ends the spin through a cancellation.
    const server = net.createServer((socket) => socket.end("hello"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    let spins = 0;
    try {
      const received = await trio.run(async () => {
        let text = "";
        await trio.openNursery(async (n) => {
          n.startSoon(async () => {
            for (;;) {
              spins++;
              await trio.sleep(0);
            }
          });
          n.startSoon(async () => {
            const socket = net.connect(port, "127.0.0.1");
            text = await trio.cancellable(
              new Promise<string>((resolve, reject) => {
                let data = "";
                socket.on("data", (chunk) => (data += chunk));
                socket.on("end", () => resolve(data));
                socket.on("error", reject);
              }),
            );
            n.cancelScope.cancel();
          });
        });
        return text;
      });
      expect(received).toBe("hello");
      expect(spins).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});
