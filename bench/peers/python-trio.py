"""Python Trio peer: the same three workloads, measured the same way as bench/harness.ts.

    python3 bench/peers/python-trio.py <workload> <n> <repeats>

Prints one line `BENCH_RESULT <json>` (the same shape as harness.ts's WorkloadResult).

Method differences from the JavaScript harness, and why:
- Memory is read with tracemalloc (every Python allocation, live bytes) rather than a heap
  size: gc.collect(), then tracemalloc's current size before the run and again once every child
  is asleep. tracemalloc slows allocation down, so it runs in one extra, untimed run of its own
  (`sleeper_bytes_per_task`), whose children sleep for MEMORY_SLEEP_S and are cancelled as soon as
  the reading is taken.
- That reading is taken by the nursery's body (the parent task) rather than by a foreign timer:
  it polls with `trio.sleep(0.001)` until every child is asleep, waits SETTLE_S more, then reads.
  The parent is one task out of 100,001.
"""

import gc
import json
import statistics
import sys
import time
import tracemalloc

import trio

RESULT_PREFIX = "BENCH_RESULT "
WARMUP_RUNS = 2
WARMUP_DIVISOR = 10
BUDGET_S = 12.0
SETTLE_S = 0.02
# Far longer than spawning can take: the traced run is cancelled as soon as memory is read.
MEMORY_SLEEP_S = 600.0
PRIMITIVES = {
    "spawn-join": "async with open_nursery() as n: n × n.start_soon(child)",
    "checkpoints": "await trio.lowlevel.checkpoint()",
    "sleepers": "async with open_nursery() as n: n × n.start_soon(child), child: await trio.sleep(s)",
}


def now_ms():
    return time.perf_counter() * 1000.0


def timed_runs(repeats, once):
    results = []
    start = time.perf_counter()
    while len(results) < repeats:
        before = time.perf_counter()
        results.append(once())
        spent = time.perf_counter() - start
        if spent + (time.perf_counter() - before) > BUDGET_S:
            break
    return results


def spawn_join(n):
    ran = 0

    async def child():
        nonlocal ran
        ran += 1

    async def main():
        async with trio.open_nursery() as nursery:
            for _ in range(n):
                nursery.start_soon(child)

    trio.run(main)
    return ran


def checkpoints(n):
    async def main():
        for _ in range(n):
            await trio.lowlevel.checkpoint()

    trio.run(main)


def measure_simple(workload, n, repeats):
    def once(size):
        gc.collect()
        t0 = time.perf_counter()
        if workload == "spawn-join":
            ran = spawn_join(size)
            elapsed = time.perf_counter() - t0
            if ran != size:
                raise RuntimeError(f"spawn-join: expected {size} children to run, got {ran}")
        else:
            checkpoints(size)
            elapsed = time.perf_counter() - t0
        return elapsed * 1e6 / size

    warm_n = max(1, n // WARMUP_DIVISOR)
    for _ in range(WARMUP_RUNS):
        once(warm_n)
    samples = timed_runs(repeats, lambda: once(n))
    notes = [f"{len(samples)} timed run(s) within the time budget"] if len(samples) < repeats else []
    return dict(peer="Python Trio", workload=workload, n=n, usPerOp=statistics.median(samples), samples=samples, notes=notes)


def sleepers_once(n, sleep_ms):
    """One timed sleeper run; returns its phases."""
    state = dict(asleep=0, woken=0, t_all_asleep=float("nan"), t_first_wake=float("nan"))

    gc.collect()
    t0 = now_ms()
    deadline = t0 + sleep_ms

    async def child():
        state["asleep"] += 1
        if state["asleep"] == n:
            state["t_all_asleep"] = now_ms()
        await trio.sleep(max(0.0, (deadline - now_ms()) / 1000.0))
        if state["woken"] == 0:
            state["t_first_wake"] = now_ms()
        state["woken"] += 1

    async def main():
        async with trio.open_nursery() as nursery:
            for _ in range(n):
                nursery.start_soon(child)

    trio.run(main)
    t_end = now_ms()
    if state["asleep"] != n or state["woken"] != n:
        raise RuntimeError(f"sleepers: expected {n} children to sleep and wake, got {state['asleep']} / {state['woken']}")
    spawn_ms = state["t_all_asleep"] - t0
    wake_ms = t_end - max(deadline, state["t_all_asleep"])
    return dict(
        spawnMs=spawn_ms,
        wakeMs=wake_ms,
        firstWakeLateMs=state["t_first_wake"] - deadline,
        usPerTask=(spawn_ms + wake_ms) * 1000.0 / n,
        valid=state["t_all_asleep"] < state["t_first_wake"] and state["t_all_asleep"] < deadline,
    )


def sleeper_bytes_per_task(n):
    """Live bytes per sleeping task, from one traced run that is cancelled once it has been read."""
    asleep = 0
    bytes_per_task = float("nan")

    async def child():
        nonlocal asleep
        asleep += 1
        await trio.sleep(MEMORY_SLEEP_S)

    async def main():
        nonlocal bytes_per_task
        async with trio.open_nursery() as nursery:
            for _ in range(n):
                nursery.start_soon(child)
            while asleep < n:
                await trio.sleep(0.001)
            await trio.sleep(SETTLE_S)
            gc.collect()
            bytes_per_task = (tracemalloc.get_traced_memory()[0] - before) / n
            # The reading is taken; how the children leave is not measured.
            nursery.cancel_scope.cancel()

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        trio.run(main)
    finally:
        tracemalloc.stop()
    return bytes_per_task


def sleep_distance_ms(estimated_spawn_ms):
    return min(30_000, int(2 * estimated_spawn_ms + 500))


def measure_sleepers(n, repeats):
    notes = []
    warm_n = max(1, n // WARMUP_DIVISOR)
    warm_spawn_ms = 0.0
    for _ in range(WARMUP_RUNS):
        warm_spawn_ms = sleepers_once(warm_n, 100)["spawnMs"]
    sleep_ms = sleep_distance_ms(warm_spawn_ms * n / warm_n)

    def once():
        nonlocal sleep_ms
        run = sleepers_once(n, sleep_ms)
        if not run["valid"]:
            sleep_ms *= 2
        return run

    runs = timed_runs(repeats, once)
    valid = [r for r in runs if r["valid"]]
    if len(valid) < len(runs):
        notes.append(f"{len(runs) - len(valid)} run(s) discarded: a child woke before all were asleep")
    if not valid:
        raise RuntimeError("sleepers: no valid run (children never all asleep at once)")
    if len(valid) < repeats:
        notes.append(f"{len(valid)} valid timed run(s) within the time budget")

    bytes_samples = [sleeper_bytes_per_task(n)]

    result = dict(
        peer="Python Trio",
        workload="sleepers",
        n=n,
        usPerOp=statistics.median(r["usPerTask"] for r in valid),
        samples=[r["usPerTask"] for r in valid],
        bytesSamples=bytes_samples,
        phases=dict(
            spawnMs=statistics.median(r["spawnMs"] for r in valid),
            wakeMs=statistics.median(r["wakeMs"] for r in valid),
            firstWakeLateMs=statistics.median(r["firstWakeLateMs"] for r in valid),
            sleepMs=sleep_ms,
        ),
        notes=notes,
    )
    if bytes_samples:
        result["bytesPerTask"] = bytes_samples[0]
    return result


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: python-trio.py <spawn-join|checkpoints|sleepers> <n> <repeats>")
    workload, n, repeats = argv[0], int(argv[1]), int(argv[2])
    if workload == "sleepers":
        result = measure_sleepers(n, repeats)
    elif workload in ("spawn-join", "checkpoints"):
        result = measure_simple(workload, n, repeats)
    else:
        raise SystemExit(f"Expected a workload (spawn-join, checkpoints, sleepers), got `{workload}`")
    result["primitive"] = PRIMITIVES[workload]
    result["trioVersion"] = trio.__version__
    result["python"] = sys.version.split()[0]
    print(RESULT_PREFIX + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
