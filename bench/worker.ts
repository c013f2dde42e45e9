/**
 * One measurement in a fresh process, so peers never share a heap, a JIT profile or a timer list:
 *
 *   node --expose-gc --import tsx bench/worker.ts <peer> <workload> <n> <repeats>
 *
 * Prints one line `RESULT_PREFIX<json>` (a `WorkloadResult`) on stdout; `index.ts` reads it.
 */
import { measureSimple, measureSleepers, RESULT_PREFIX } from "./harness.ts";
import { loadJsPeer, PEER_IDS, WORKLOAD_NAMES, type PeerId, type WorkloadName } from "./peers/index.ts";

async function main(argv: readonly string[]): Promise<void> {
  const [peerId, workload, nText, repeatsText] = argv;
  if (!PEER_IDS.includes(peerId as PeerId) || peerId === "python-trio") {
    throw new Error(`Expected a JavaScript peer (${PEER_IDS.filter((p) => p !== "python-trio").join(", ")}), got \`${peerId}\``);
  }
  if (!WORKLOAD_NAMES.includes(workload as WorkloadName)) {
    throw new Error(`Expected a workload (${WORKLOAD_NAMES.join(", ")}), got \`${workload}\``);
  }
  const n = Number(nText);
  const repeats = Number(repeatsText);
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(repeats) || repeats <= 0) {
    throw new Error(`Expected positive integers for n and repeats, got \`${nText}\` and \`${repeatsText}\``);
  }
  const peer = await loadJsPeer(peerId as Exclude<PeerId, "python-trio">);
  const result =
    workload === "sleepers"
      ? await measureSleepers(peer, n, repeats)
      : await measureSimple(peer, workload as "spawn-join" | "checkpoints", n, repeats);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, primitive: peer.primitives[workload as WorkloadName] })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
