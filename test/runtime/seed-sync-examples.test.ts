// The seed documents' examples about locks and channels, translated to
// TypeScript, with their expected output (lines and the virtual times they
// were printed at). Same tie-breaking assumption as seed-examples.test.ts:
// tasks made runnable at the same moment run in the order they became runnable.
import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";

const autojump = () => new trio.testing.MockClock({ autojumpThreshold: 0 });

function printer() {
  const lines: string[] = [];
  const print = (...parts: unknown[]) => lines.push(`${trio.currentTime().toFixed(1)} ${parts.map(String).join(" ")}`);
  return { lines, print };
}

describe("seed 000: the game whose render and update tasks share state", () => {
  class Player {
    constructor(readonly name: string) {}
    async render(): Promise<void> {
      await trio.sleep(0.1); // drawing takes time, and is a checkpoint
    }
  }

  /** A stream of updates from the server: one player leaves every 0.25 s. */
  function openConnection(leaving: string[]) {
    return {
      async read(): Promise<{ gone: string[] } | null> {
        await trio.sleep(0.25);
        const name = leaving.shift();
        return name === undefined ? null : { gone: [name] };
      },
    };
  }

  /**
   * Plays the game: the renderer draws frames while the updater applies the
   * server's updates. Returns each frame as the names drawn, and whether the
   * player list changed while the frame was being drawn (a torn frame: on
   * screen, a mix of two different game states).
   */
  async function playGame(lock: trio.Lock | null) {
    const frames: { drawn: string[]; torn: boolean }[] = [];
    const state = new Map(["alice", "bob", "carol", "dave"].map((name) => [name, new Player(name)]));
    const withLock = <R>(body: () => Promise<R>) => (lock === null ? body() : lock.withAcquired(body));

    async function renderGame() {
      for (;;) {
        await withLock(async () => {
          const before = [...state.keys()].join();
          const drawn: string[] = [];
          for (const player of state.values()) {
            drawn.push(player.name);
            await player.render();
          }
          frames.push({ drawn, torn: [...state.keys()].join() !== before || drawn.join() !== before });
        });
        await trio.sleep(0); // let the updater in between frames
      }
    }

    async function updateState(stream: ReturnType<typeof openConnection>) {
      for (;;) {
        const update = await stream.read();
        if (update === null) return;
        await withLock(async () => {
          for (const username of update.gone) state.delete(username);
        });
      }
    }

    await trio.run({ clock: autojump() }, async () => {
      const stream = openConnection(["bob", "carol"]);
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(renderGame);
        await nursery.start(async (taskStatus: trio.TaskStatus) => {
          taskStatus.started();
          await updateState(stream);
        });
        await trio.sleep(1); // play a little longer, then quit
        nursery.cancelScope.cancel();
      });
    });
    return frames;
  }

  it("is broken without a lock: frames are drawn while players leave", async () => {
    const frames = await playGame(null);
    expect(frames.filter((f) => f.torn).length).toBeGreaterThan(0);
    expect(frames).toEqual([
      // Bob left at t=0.25, after being drawn: the frame shows a player who is gone.
      { drawn: ["alice", "bob", "carol", "dave"], torn: true },
      // Carol left at t=0.5 while alice was being drawn: the loop skipped her mid-frame.
      { drawn: ["alice", "dave"], torn: true },
      { drawn: ["alice", "dave"], torn: false },
      { drawn: ["alice", "dave"], torn: false },
    ]);
  });

  it("is consistent with a Lock: every frame shows one state of the game", async () => {
    const frames = await playGame(new trio.Lock());
    expect(frames.filter((f) => f.torn)).toEqual([]);
    expect(frames.map((f) => f.drawn.join(" "))).toEqual([
      "alice bob carol dave",
      "alice carol dave", // bob's departure (read at t=0.25) waited for the first frame to finish
      "alice dave",
    ]);
  });
});

describe("seed 000: closing a channel", () => {
  async function sender(sendch: trio.MemorySendChannel<string>) {
    await sendch.send("hello");
    await sendch.send("bye bye");
    await sendch.aclose();
  }

  it("makes the receiver's next receive raise EndOfChannel", async () => {
    const { lines, print } = printer();
    async function receiver2(recvch: trio.MemoryReceiveChannel<string>) {
      print("first", await recvch.receive());
      print("second", await recvch.receive());
      try {
        await recvch.receive();
      } catch (error) {
        if (!(error instanceof trio.EndOfChannel)) throw error;
        print("Channel closed!");
      }
    }
    await trio.run({ clock: autojump() }, async () => {
      const [sendch, recvch] = trio.openMemoryChannel<string>(0);
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(sender, sendch);
        nursery.startSoon(receiver2, recvch);
      });
    });
    expect(lines).toEqual(["0.0 first hello", "0.0 second bye bye", "0.0 Channel closed!"]);
  });

  it("ends the receiver's for-await loop", async () => {
    const { lines, print } = printer();
    async function receiver(recvch: trio.MemoryReceiveChannel<string>) {
      for await (const item of recvch) print("got", item);
      print("channel closed!");
    }
    await trio.run({ clock: autojump() }, async () => {
      const [sendch, recvch] = trio.openMemoryChannel<string>(0);
      await trio.openNursery(async (nursery) => {
        nursery.startSoon(sender, sendch);
        nursery.startSoon(receiver, recvch);
      });
    });
    expect(lines).toEqual(["0.0 got hello", "0.0 got bye bye", "0.0 channel closed!"]);
  });

  it("hangs the loop for ever when the sender forgets to close (shown with a timeout)", async () => {
    const { lines, print } = printer();
    await trio.run({ clock: autojump() }, async () => {
      const [sendch, recvch] = trio.openMemoryChannel<string>(0);
      const scope = await trio.moveOnAfter(10, async () => {
        await trio.openNursery(async (nursery) => {
          nursery.startSoon(async () => {
            await sendch.send("hello"); // and no aclose()
          });
          nursery.startSoon(async () => {
            for await (const item of recvch) print("got", item);
            print("channel closed!");
          });
        });
      });
      if (scope.cancelledCaught) print("gave up waiting");
    });
    expect(lines).toEqual(["0.0 got hello", "10.0 gave up waiting"]);
  });
});

describe("seed 004: a buffer of 2 and a receiver that starts late", () => {
  it("lets the sender run two values ahead, then wait for the receiver", async () => {
    const { lines, print } = printer();
    async function sender(chan: trio.MemorySendChannel<number>) {
      await using ch = chan;
      for (let i = 0; i < 3; i++) {
        await ch.send(i);
        print("sent", i);
      }
    }
    async function receiver(chan: trio.MemoryReceiveChannel<number>) {
      await using ch = chan;
      for await (const msg of ch) print("received", msg);
    }
    async function main() {
      await trio.openNursery(async (nursery) => {
        const [send, receive] = trio.openMemoryChannel<number>(2);
        nursery.startSoon(sender, send);
        await trio.sleep(2);
        nursery.startSoon(receiver, receive);
      });
    }
    await trio.run({ clock: autojump() }, main);
    expect(lines).toEqual([
      "0.0 sent 0",
      "0.0 sent 1", // the buffer is full now: send(2) waits…
      "2.0 sent 2", // …until the receiver, started at t=2, takes 0 and makes room
      "2.0 received 0",
      "2.0 received 1",
      "2.0 received 2", // then the sender's `await using` closed its end, which ends the loop
    ]);
  });
});
