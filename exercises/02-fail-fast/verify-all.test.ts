import { describe, expect, it } from "vitest";
import * as trio from "../../runtime/index.ts";
import { VerificationError, verifyAll } from "./verify-all.ts";

const trioTest = (body: () => Promise<void>) => trio.testing.trioTest(() => trio.failAfter(1000, body));

/** A verify() that takes `delays[item]` seconds, answers `answers[item]` and records what happened. */
function fakeVerify(delays: Record<string, number>, answers: Record<string, boolean | Error>) {
  const started: string[] = [];
  const cancelled: string[] = [];
  const finished: string[] = [];
  const verify = async (item: string) => {
    started.push(item);
    try {
      await trio.sleep(delays[item] ?? 1);
    } catch (error) {
      if (error instanceof trio.Cancelled) cancelled.push(item);
      throw error;
    }
    finished.push(item);
    const answer = answers[item] ?? true;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { verify, started, cancelled, finished };
}

describe("02 · verifyAll(items, verify)", () => {
  it("checks every item at the same time and resolves when all are fine", trioTest(async () => {
    const fake = fakeVerify({ a: 1, b: 3, c: 2 }, {});
    await verifyAll(["a", "b", "c"], fake.verify);
    expect(fake.started).toEqual(["a", "b", "c"]);
    expect(fake.finished.sort()).toEqual(["a", "b", "c"]);
    expect(trio.currentTime()).toBe(3);
  }));

  it("rejects with a VerificationError naming the item as soon as a check says false", trioTest(async () => {
    const fake = fakeVerify({ a: 5, b: 2, c: 9 }, { b: false });
    const error = await verifyAll(["a", "b", "c"], fake.verify).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as VerificationError).item).toBe("b");
    expect(trio.currentTime()).toBe(2);
  }));

  it("cancels the checks still running when one fails", trioTest(async () => {
    const fake = fakeVerify({ a: 5, b: 2, c: 9 }, { b: false });
    await expect(verifyAll(["a", "b", "c"], fake.verify)).rejects.toThrow(VerificationError);
    expect(fake.cancelled.sort()).toEqual(["a", "c"]);
    expect(fake.finished).toEqual(["b"]);
  }));

  it("lets an error thrown by verify propagate unchanged, cancelling the others", trioTest(async () => {
    const broken = new RangeError("the verifier crashed");
    const fake = fakeVerify({ a: 1, b: 4 }, { a: broken });
    await expect(verifyAll(["a", "b"], fake.verify)).rejects.toBe(broken);
    expect(fake.cancelled).toEqual(["b"]);
    expect(trio.currentTime()).toBe(1);
  }));

  it("resolves at once for an empty list", trioTest(async () => {
    await verifyAll([], async () => false);
    expect(trio.currentTime()).toBe(0);
  }));
});
