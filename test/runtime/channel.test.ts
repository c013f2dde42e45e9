// Behaviours of openMemoryChannel, after Trio's test_channel.py, in our words.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });
const runTest = <R>(fn: () => Promise<R>) => trio.run({ clock: autojump() }, fn);
const settle = () => trio.testing.waitAllTasksBlocked();
const { assertCheckpoints, assertNoCheckpoints } = trio.testing;

describe("openMemoryChannel", () => {
  it("accepts 0, a whole number or Infinity, and names the mistake otherwise", () => {
    for (const size of [0, 1, 10, Infinity]) expect(() => trio.openMemoryChannel(size)).not.toThrow();
    expect(() => trio.openMemoryChannel(-1)).toThrow(RangeError);
    expect(() => trio.openMemoryChannel(-Infinity)).toThrow(RangeError);
    expect(() => trio.openMemoryChannel(1.5)).toThrow(TypeError);
    expect(() => trio.openMemoryChannel(Number.NaN)).toThrow(TypeError);
    expect(() => trio.openMemoryChannel("2" as never)).toThrow(/expected a whole number or Infinity, got "2" \(string\)/);
  });

  it("passes values in order through a buffer, and sendNowait/receiveNowait say WouldBlock at its edges", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(2);
      expect(() => receive.receiveNowait()).toThrow(trio.WouldBlock);
      send.sendNowait(1);
      await send.send(2);
      expect(() => send.sendNowait(3)).toThrow(/the buffer is full \(2 values\)/);
      expect(send.statistics().currentBufferUsed).toBe(2);
      expect(receive.receiveNowait()).toBe(1);
      expect(await receive.receive()).toBe(2);
      expect(() => receive.receiveNowait()).toThrow(trio.WouldBlock);
    });
  });

  it("hands values over directly when unbuffered: a sender waits for a receiver", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      expect(() => send.sendNowait("x")).toThrow(/no receiver is waiting/);
      const log: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await send.send("a");
          log.push(`sent a at ${trio.currentTime()}`);
        });
        await trio.sleep(5);
        expect(send.statistics().tasksWaitingSend).toBe(1);
        log.push(`got ${await receive.receive()} at ${trio.currentTime()}`);
      });
      // The receiver takes the value and wakes the sender, then checkpoints: the sender runs first.
      expect(log).toEqual(["sent a at 5", "got a at 5"]);
      // A receiver waiting first gets the value from sendNowait.
      await trio.openNursery(async (n) => {
        n.startSoon(async () => log.push(`got ${await receive.receive()}`));
        await settle();
        send.sendNowait("b");
      });
      expect(log.at(-1)).toBe("got b");
    });
  });

  it("never blocks a sender with an infinite buffer", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(Infinity);
      for (let i = 0; i < 1000; i++) await send.send(i);
      expect(send.statistics()).toMatchObject({ currentBufferUsed: 1000, maxBufferSize: Infinity });
      let sum = 0;
      for (let i = 0; i < 1000; i++) sum += receive.receiveNowait();
      expect(sum).toBe(499500);
    });
  });

  it("serves blocked senders and receivers in FIFO order", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      const got: string[] = [];
      await trio.openNursery(async (n) => {
        for (const name of ["r1", "r2", "r3"]) {
          n.startSoon(async () => got.push(`${name}:${await receive.receive()}`));
          await settle();
        }
        expect(receive.statistics().tasksWaitingReceive).toBe(3);
        for (const v of ["a", "b", "c"]) send.sendNowait(v);
      });
      expect(got).toEqual(["r1:a", "r2:b", "r3:c"]);
      await trio.openNursery(async (n) => {
        for (const v of ["x", "y", "z"]) {
          n.startSoon(() => send.send(v));
          await settle();
        }
        for (let i = 0; i < 3; i++) got.push(receive.receiveNowait());
      });
      expect(got.slice(3)).toEqual(["x", "y", "z"]);
    });
  });

  it("keeps the order when blocked senders wait behind a full buffer", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(2);
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          for (let i = 0; i < 6; i++) await send.send(i);
          await send.aclose();
        });
        await settle();
        expect(send.statistics()).toMatchObject({ currentBufferUsed: 2, tasksWaitingSend: 1 });
        const got: number[] = [];
        for await (const v of receive) got.push(v);
        expect(got).toEqual([0, 1, 2, 3, 4, 5]);
      });
    });
  });

  it("spreads values over several consumers and gathers several producers (fan-out, fan-in)", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(0);
      const seen: number[] = [];
      const perConsumer = [0, 0, 0];
      await trio.openNursery(async (n) => {
        for (const p of [0, 1, 2]) {
          const mine = send.clone();
          n.startSoon(async () => {
            await using s = mine;
            for (let i = 0; i < 10; i++) await s.send(p * 100 + i);
          });
        }
        send.close();
        for (const c of [0, 1, 2]) {
          const mine = receive.clone();
          n.startSoon(async () => {
            for await (const v of mine) {
              seen.push(v);
              perConsumer[c]!++;
              await trio.sleep((c + 1) * 0.01); // consumers of different speeds
            }
          });
        }
        receive.close();
      });
      expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2].flatMap((p) => Array.from({ length: 10 }, (_, i) => p * 100 + i)));
      expect(perConsumer.every((count) => count > 0)).toBe(true);
    });
  });
});

describe("closing a memory channel", () => {
  it("makes your own closed handle raise ClosedResourceError, at once and for tasks blocked on it", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(0);
      const errors: unknown[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(() => receive.receive().catch((e) => errors.push(e)));
        await settle();
        receive.close();
        receive.close(); // idempotent
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(trio.ClosedResourceError);
      expect(String(errors[0])).toMatch(/closed while it waited/);
      expect(() => receive.receiveNowait()).toThrow(trio.ClosedResourceError);
      await expect(receive.receive()).rejects.toThrow(/closed by this side/);
      expect(() => receive.clone()).toThrow(trio.ClosedResourceError);
      send.close();
      expect(() => send.sendNowait(1)).toThrow(trio.ClosedResourceError);
      await expect(send.send(1)).rejects.toThrow(trio.ClosedResourceError);
      expect(() => send.clone()).toThrow(trio.ClosedResourceError);
      expect(send.closed && receive.closed).toBe(true);
    });
  });

  it("lets receivers drain the buffer after every sender closed, then raises EndOfChannel", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(5);
      const send2 = send.clone();
      await send.send(1);
      await send2.send(2);
      send.close();
      await send2.send(3); // one clone still open: the channel is too
      send2.close();
      expect([await receive.receive(), receive.receiveNowait(), await receive.receive()]).toEqual([1, 2, 3]);
      expect(() => receive.receiveNowait()).toThrow(trio.EndOfChannel);
      await expect(receive.receive()).rejects.toThrow(trio.EndOfChannel);
      expect(receive.statistics()).toMatchObject({ openSendChannels: 0, openReceiveChannels: 1 });
    });
  });

  it("wakes blocked receivers with EndOfChannel when the last sender closes", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(0);
      const errors: unknown[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(() => receive.receive().catch((e) => errors.push(e)));
        n.startSoon(() => receive.clone().receive().catch((e) => errors.push(e)));
        await settle();
        await send.aclose();
      });
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toBeInstanceOf(trio.EndOfChannel);
    });
  });

  it("wakes a blocked sender with BrokenResourceError when the last receiver closes", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(0);
      const errors: unknown[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(() => send.send(1).catch((e) => errors.push(e)));
        await settle();
        receive.close();
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(trio.BrokenResourceError);
      expect(send.statistics().tasksWaitingSend).toBe(0);
    });
  });

  it("breaks senders and drops the buffer once every receiver closed", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(1);
      await send.send(1);
      const receive2 = receive.clone();
      receive.close();
      expect(send.statistics().currentBufferUsed).toBe(1); // one receiver remains
      await receive2.aclose();
      expect(send.statistics()).toMatchObject({ currentBufferUsed: 0, openReceiveChannels: 0 });
      expect(() => send.sendNowait(2)).toThrow(/every receive channel of this memory channel was closed/);
      await expect(send.send(2)).rejects.toThrow(trio.BrokenResourceError);
    });
  });

  it("fails only the tasks blocked on the closed clone, not those on its siblings", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      const receive2 = receive.clone();
      const outcomes: string[] = [];
      await trio.openNursery(async (n) => {
        n.startSoon(() => receive.receive().then((v) => outcomes.push(`r1 got ${v}`), (e) => outcomes.push(`r1 ${e.name}`)));
        n.startSoon(() => receive2.receive().then((v) => outcomes.push(`r2 got ${v}`), (e) => outcomes.push(`r2 ${e.name}`)));
        await settle();
        receive.close();
        await settle();
        expect(receive2.statistics().tasksWaitingReceive).toBe(1);
        await send.send("hi");
      });
      expect(outcomes).toEqual(["r1 ClosedResourceError", "r2 got hi"]);

      const send2 = send.clone();
      await trio.openNursery(async (n) => {
        n.startSoon(() => send.send("s1").catch((e) => outcomes.push(`s1 ${e.name}`)));
        n.startSoon(() => send2.send("s2").catch((e) => outcomes.push(`s2 ${e.name}`)));
        await settle();
        send.close();
        await settle();
        expect(receive2.receiveNowait()).toBe("s2");
      });
      expect(outcomes.slice(2)).toEqual(["s1 ClosedResourceError"]);
    });
  });

  it("closes with `using` and `await using`", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(1);
      {
        using s = send;
        s.sendNowait(1);
      }
      expect(send.closed).toBe(true);
      {
        await using r = receive;
        expect(r.receiveNowait()).toBe(1);
      }
      expect(receive.closed).toBe(true);
    });
  });

  it("ends a for-await loop when the sender closes, and a break does not close the channel", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(Infinity);
      for (const v of [1, 2, 3]) send.sendNowait(v);
      for await (const v of receive) if (v === 2) break;
      expect(receive.closed).toBe(false);
      expect(receive.receiveNowait()).toBe(3);
      send.sendNowait(4);
      send.close();
      const rest: number[] = [];
      for await (const v of receive) rest.push(v);
      expect(rest).toEqual([4]);
    });
  });
});

describe("cancelling a channel operation", () => {
  it("leaves no stale receiver: a later value is kept for the next receive (Trio #553)", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(1);
      const scope = await trio.moveOnAfter(10, () => receive.receive());
      expect(scope.cancelledCaught).toBe(true);
      expect(receive.statistics().tasksWaitingReceive).toBe(0);
      await send.send("kept");
      expect(receive.receiveNowait()).toBe("kept");
    });
  });

  it("leaves no stale sender: a cancelled send's value is never delivered", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      const scope = await trio.moveOnAfter(10, () => send.send("withdrawn"));
      expect(scope.cancelledCaught).toBe(true);
      expect(send.statistics().tasksWaitingSend).toBe(0);
      expect(() => receive.receiveNowait()).toThrow(trio.WouldBlock);
    });
  });

  it("keeps the other waiters in order when one in the middle of the queue is cancelled", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      const got: string[] = [];
      const middle = new trio.CancelScope();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => got.push(`r1:${await receive.receive()}`));
        n.startSoon(() => middle.run(async () => got.push(`r2:${await receive.receive()}`)));
        n.startSoon(async () => got.push(`r3:${await receive.receive()}`));
        await settle();
        middle.cancel();
        await settle();
        expect(receive.statistics().tasksWaitingReceive).toBe(2);
        send.sendNowait("a");
        send.sendNowait("b");
      });
      expect(got).toEqual(["r1:a", "r3:b"]);
    });
  });

  it("stops a for-await loop in a cancelled scope with Cancelled, taking nothing", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(Infinity);
      send.sendNowait(1);
      const scope = await trio.moveOnAfter(Infinity, async (s) => {
        s.cancel();
        for await (const v of receive) throw new Error(`unreachable: received ${v}`);
      });
      expect(scope.cancelledCaught).toBe(true);
      expect(receive.receiveNowait()).toBe(1);
    });
  });

  it("loses no value when a receiver is cancelled after a value was handed to it", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<string>(0);
      let got: string | undefined;
      const scope = new trio.CancelScope();
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          await scope.run(async () => {
            got = await receive.receive();
          });
        });
        await settle();
        send.sendNowait("precious"); // the receiver is rescheduled with the value…
        scope.cancel(); // …so a cancel arriving before it runs cannot take it away
      });
      expect(got).toBe("precious");
      expect(scope.cancelledCaught).toBe(false);
    });
  });

  it("with a deadline on every receive, loses and duplicates nothing", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(0);
      const got: number[] = [];
      let timeouts = 0;
      await trio.openNursery(async (n) => {
        n.startSoon(async () => {
          for (let i = 0; i < 20; i++) {
            await trio.sleep(i % 3 === 0 ? 1.5 : 0.2);
            await send.send(i);
          }
          await send.aclose();
        });
        for (;;) {
          let done = false;
          const scope = await trio.moveOnAfter(1, async () => {
            try {
              got.push(await receive.receive());
            } catch (e) {
              if (!(e instanceof trio.EndOfChannel)) throw e;
              done = true;
            }
          });
          if (scope.cancelledCaught) timeouts++;
          if (done) break;
        }
      });
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(timeouts).toBeGreaterThan(0);
    });
  });
});

describe("channel statistics and checkpoints", () => {
  it("reports buffer use, open handles and waiting tasks on either end", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(2);
      const send2 = send.clone();
      send.sendNowait(1);
      const expected = {
        currentBufferUsed: 1,
        maxBufferSize: 2,
        openSendChannels: 2,
        openReceiveChannels: 1,
        tasksWaitingSend: 0,
        tasksWaitingReceive: 0,
      };
      expect(send.statistics()).toEqual(expected);
      expect(receive.statistics()).toEqual(expected);
      send2.close();
      await trio.openNursery(async (n) => {
        send.sendNowait(2);
        n.startSoon(() => send.send(3));
        await settle();
        expect(receive.statistics()).toMatchObject({ currentBufferUsed: 2, openSendChannels: 1, tasksWaitingSend: 1 });
        receive.receiveNowait();
      });
    });
  });

  it("makes send(), receive() and aclose() checkpoints, and the Nowait forms not", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(1);
      await assertCheckpoints(() => send.send(1));
      await assertCheckpoints(() => receive.receive());
      await assertNoCheckpoints(() => send.sendNowait(2));
      await assertNoCheckpoints(() => receive.receiveNowait());
      await assertCheckpoints(() => send.aclose());
      // An operation that raises need not have let others run; the assertion lets its error through.
      await expect(assertCheckpoints(() => receive.receive())).rejects.toBeInstanceOf(trio.EndOfChannel);
    });
  });

  it("raises Cancelled from send() and receive() in a cancelled scope even when they could proceed", async () => {
    await runTest(async () => {
      const [send, receive] = trio.openMemoryChannel<number>(1);
      await trio.moveOnAfter(Infinity, async (scope) => {
        scope.cancel();
        await expect(send.send(1)).rejects.toBeInstanceOf(trio.Cancelled);
      });
      expect(() => receive.receiveNowait()).toThrow(trio.WouldBlock); // nothing was sent
      send.sendNowait(1);
      await trio.moveOnAfter(Infinity, async (scope) => {
        scope.cancel();
        await expect(receive.receive()).rejects.toBeInstanceOf(trio.Cancelled);
      });
      expect(receive.receiveNowait()).toBe(1); // nothing was taken
    });
  });
});
