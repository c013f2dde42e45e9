import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { NotEnoughPoints, Scoreboard } from "./game.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

describe("08 · Scoreboard with a Lock", () => {
  it("adds points correctly when one task plays", trioTest(async () => {
    const board = new Scoreboard();
    await board.addPoints("ann", 5);
    await board.addPoints("ann", 2);
    expect(board.score("ann")).toBe(7);
  }));

  it("loses no update when ten tasks add points to the same player at once", trioTest(async () => {
    const board = new Scoreboard();
    await trio.openNursery(async (nursery) => {
      for (let i = 1; i <= 10; i++) nursery.startSoon(() => board.addPoints("ann", i));
    });
    expect(board.score("ann")).toBe(55);
  }));

  it("keeps the total constant and no score negative under concurrent transfers", trioTest(async () => {
    // Three players, so that two transfers that overlap touch different pairs of
    // scores: without the lock, a transfer writes back scores it read before
    // another transfer changed them, and points appear or vanish.
    const players = ["ann", "bob", "cat"];
    const board = new Scoreboard();
    for (const player of players) await board.addPoints(player, 10);
    const failures: unknown[] = [];
    const transfer = (from: string, to: string, points: number) => async () => {
      try {
        await board.transfer(from, to, points);
      } catch (error) {
        failures.push(error);
      }
    };
    await trio.openNursery(async (nursery) => {
      for (let i = 0; i < 9; i++) {
        nursery.startSoon(transfer(players[i % 3]!, players[(i + 1) % 3]!, 7));
        nursery.startSoon(transfer("ann", "bob", 6));
      }
    });
    expect(players.reduce((sum, p) => sum + board.score(p), 0)).toBe(30);
    for (const player of players) expect(board.score(player)).toBeGreaterThanOrEqual(0);
    for (const failure of failures) expect(failure).toBeInstanceOf(NotEnoughPoints);
  }));

  it("changes nothing when a transfer is refused, and leaves the lock free", trioTest(async () => {
    const board = new Scoreboard();
    await board.addPoints("ann", 3);
    await expect(board.transfer("ann", "bob", 5)).rejects.toBeInstanceOf(NotEnoughPoints);
    expect([board.score("ann"), board.score("bob")]).toEqual([3, 0]);
    await trio.failAfter(1, () => board.addPoints("ann", 1));
    expect(board.score("ann")).toBe(4);
  }));

  it("frees the lock when an update is cancelled in the middle", trioTest(async () => {
    const board = new Scoreboard(() => trio.sleep(10));
    await trio.moveOnAfter(1, () => board.addPoints("ann", 100));
    expect(board.score("ann")).toBe(0);
    await trio.failAfter(20, () => board.addPoints("ann", 1));
    expect(board.score("ann")).toBe(1);
  }));

  it("serialises the updates: three saves of 1 s one after the other take 3 s", trioTest(async () => {
    const board = new Scoreboard(() => trio.sleep(1));
    await trio.openNursery(async (nursery) => {
      nursery.startSoon(() => board.addPoints("ann", 1));
      nursery.startSoon(() => board.addPoints("bob", 1));
      nursery.startSoon(() => board.transfer("ann", "bob", 0));
    });
    expect(trio.currentTime()).toBe(3);
  }));
});
