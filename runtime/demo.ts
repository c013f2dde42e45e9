/**
 * `npm start` until the slide runner lands: the tutorial's first example, two
 * children that each sleep one second and finish together after one second.
 */
import * as trio from "./index.ts";

async function child(name: string, seconds: number) {
  console.log(`  ${name}: started! sleeping for ${seconds} seconds`);
  await trio.sleep(seconds);
  console.log(`  ${name}: exiting!`);
}

async function parent() {
  const start = trio.currentTime();
  console.log("parent: started!");
  await trio.openNursery(async (nursery) => {
    console.log("parent: spawning child1...");
    nursery.startSoon(child, "child1", 1);
    console.log("parent: spawning child2...");
    nursery.startSoon(child, "child2", 1);
    console.log("parent: waiting for children to finish...");
  });
  console.log(`parent: all done after ${(trio.currentTime() - start).toFixed(2)} s`);
}

await trio.run(parent);
