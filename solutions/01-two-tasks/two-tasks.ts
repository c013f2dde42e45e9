import * as trio from "../../runtime/index.ts";

/**
 * Runs `first` and `second` concurrently, in one nursery, and resolves with
 * both results in argument order.
 */
export async function both<A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  let a!: A;
  let b!: B;
  await trio.openNursery(async (nursery) => {
    nursery.startSoon(async () => {
      a = await first();
    });
    nursery.startSoon(async () => {
      b = await second();
    });
  });
  return [a, b];
}
