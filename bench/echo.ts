/**
 * `npx tsx bench/echo.ts [--seconds 3] [--connections 8] [--held 1000] [--impls runtime,net,python]`
 *
 * Echo servers compared under one load generator: this runtime's `serveTcp`, raw `node:net`
 * (`socket.pipe(socket)`), and Python Trio's `serve_tcp` when python3 has trio. Each server runs
 * in its own process; the client is plain `node:net` in this process, the same for all three, so
 * the ratios compare servers. A benchmark, not a test (issue 4). Reports:
 * - throughput: `--connections` clients each streaming 64 KiB writes (with backpressure) and
 *   counting echoed bytes for `--seconds` after a 0.5 s warm-up, MB/s;
 * - connections/s: 16 loops of connect → 16-byte echo → close, for `--seconds`;
 * - memory: `--held` connections opened and held (each echoes one message), server memory
 *   before and after, per connection; then held 1 s more with a second message each, the
 *   growth while held (flat = near zero). Node servers: heap + external after a full GC
 *   (`--expose-gc`), plus RSS; Python: RSS.
 * Targets: runtime ≥ 80% of node:net throughput; memory flat while connections are held.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHUNK = 64 * 1024;

const PYTHON_SERVER = `
import sys, trio
async def echo(stream):
    try:
        while True:
            data = await stream.receive_some(65536)
            if not data:
                return
            await stream.send_all(data)
    except trio.BrokenResourceError:
        pass
async def main():
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(trio.serve_tcp, echo, 0)
        port = [l.socket.getsockname()[1] for l in listeners if l.socket.family == 2][0]
        print("PORT", port, flush=True)
trio.run(main)
`;

type Impl = "runtime" | "net" | "python";

interface Server {
  child: ChildProcess;
  port: number;
  host: string;
}

// ------------------------------------------------------------------ server side (child process)

async function serveRuntime(): Promise<void> {
  const trio = await import("../runtime/index.ts");
  async function echo(stream: import("../runtime/index.ts").SocketStream) {
    for (let data = await stream.receiveSome(65536); data.length; data = await stream.receiveSome(65536)) await stream.sendAll(data);
  }
  await trio.run(async () => {
    await trio.openNursery(async (n) => {
      const [listener] = await n.start(trio.serveTcp, echo, 0, { host: "127.0.0.1", onHandlerError: () => {} });
      console.log(`PORT ${listener!.port}`);
    });
  });
}

function serveNet(): void {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as net.AddressInfo).port}`));
}

function answerMemoryRequests(): void {
  process.on("message", (message) => {
    if (message !== "mem") return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    process.send!({ heap: m.heapUsed + m.external, rss: m.rss });
  });
}

// ------------------------------------------------------------------ client side (this process)

function startServer(impl: Impl): Promise<Server> {
  const child =
    impl === "python"
      ? spawn("python3", ["-c", PYTHON_SERVER], { stdio: ["ignore", "pipe", "inherit"] })
      : spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--serve", impl], {
          stdio: ["ignore", "pipe", "inherit", "ipc"],
          cwd: path.resolve(HERE, ".."),
        });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += String(d);
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), host: "127.0.0.1" });
    });
    child.once("exit", (code) => reject(new Error(`${impl} server exited (${code}) before listening`)));
    child.once("error", reject);
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGKILL");
  await exited;
}

function connect(server: Server): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: server.port, host: server.host, noDelay: true });
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** MB/s echoed by `connections` clients streaming for `seconds`. */
async function throughput(server: Server, connections: number, seconds: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => connect(server)));
  const chunk = Buffer.alloc(CHUNK, 120);
  let received = 0;
  let counting = false;
  let running = true;
  for (const socket of sockets) {
    socket.on("data", (d: Buffer) => {
      if (counting) received += d.length;
    });
    socket.on("error", () => {});
    // Keep at most ~1 MiB in flight per connection so the echo path, not buffering, is measured.
    let inFlight = 0;
    const pump = () => {
      while (running && inFlight < 1 << 20) {
        inFlight += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
    };
    socket.on("data", (d: Buffer) => {
      inFlight -= d.length;
      pump();
    });
    pump();
  }
  await delay(500);
  counting = true;
  const start = performance.now();
  await delay(seconds * 1000);
  const elapsed = (performance.now() - start) / 1000;
  counting = false;
  running = false;
  for (const s of sockets) s.destroy();
  return received / elapsed / 1e6;
}

/** Connections per second: `loops` loops of connect → 16-byte echo → close. */
async function connectionsPerSecond(server: Server, seconds: number, loops = 16): Promise<number> {
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const message = Buffer.alloc(16, 97);
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ port: server.port, host: server.host, noDelay: true });
      let got = 0;
      socket.once("connect", () => socket.write(message));
      socket.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= message.length) {
          socket.destroy();
          resolve();
        }
      });
      socket.once("error", reject);
    });
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < end) {
        await once();
        count++;
      }
    }),
  );
  return count / seconds;
}

async function memory(server: Server): Promise<{ heap?: number; rss: number }> {
  if (server.child.send !== undefined && server.child.connected) {
    return new Promise((resolve) => {
      server.child.once("message", (m) => resolve(m as { heap: number; rss: number }));
      server.child.send!("mem");
    });
  }
  const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024 };
}

async function echoOnce(socket: net.Socket, message: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= message.length) {
        socket.off("data", onData);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.write(message);
  });
}

interface HeldResult {
  perConnection: { heap?: number; rss: number };
  growthWhileHeld: { heap?: number; rss: number };
}

async function held(server: Server, n: number): Promise<HeldResult> {
  await delay(200);
  const before = await memory(server);
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => connect(server)));
    sockets.push(...batch);
  }
  const message = Buffer.from("hello, held connection");
  await Promise.all(sockets.map((s) => echoOnce(s, message)));
  await delay(200);
  const after = await memory(server);
  await delay(1000);
  await Promise.all(sockets.map((s) => echoOnce(s, message)));
  await delay(200);
  const later = await memory(server);
  for (const s of sockets) s.destroy();
  const per = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : (b - a) / n);
  return {
    perConnection: { heap: per(before.heap, after.heap), rss: per(before.rss, after.rss)! },
    growthWhileHeld: { heap: per(after.heap, later.heap), rss: per(after.rss, later.rss)! },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pythonHasTrio(): boolean {
  const r = spawnSync("python3", ["-c", "import trio"], { stdio: "ignore" });
  return r.status === 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      seconds: { type: "string", default: "3" },
      connections: { type: "string", default: "8" },
      held: { type: "string", default: "1000" },
      impls: { type: "string", default: "runtime,net,python" },
    },
  });
  if (values.serve !== undefined) {
    answerMemoryRequests();
    if (values.serve === "runtime") await serveRuntime();
    else serveNet();
    return;
  }
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const heldCount = Number(values.held);
  let impls = values.impls.split(",") as Impl[];
  if (impls.includes("python") && !pythonHasTrio()) {
    console.log("python3 with trio not found: skipping Python Trio");
    impls = impls.filter((i) => i !== "python");
  }
  const titles: Record<Impl, string> = { runtime: "trio-workbook serveTcp", net: "raw node:net (pipe)", python: "Python Trio serve_tcp" };
  const rows: Record<string, { mbps1: number; mbps: number; cps: number; held: HeldResult }> = {};
  for (const impl of impls) {
    const server = await startServer(impl);
    try {
      const mbps1 = await throughput(server, 1, seconds);
      const mbps = await throughput(server, connections, seconds);
      const cps = await connectionsPerSecond(server, seconds);
      const h = await held(server, heldCount);
      rows[impl] = { mbps1, mbps, cps, held: h };
      console.error(`${impl}: done`);
    } finally {
      await stopServer(server);
    }
  }
  const kb = (b?: number) => (b === undefined ? "–" : `${(b / 1024).toFixed(2)} KiB`);
  const base = rows.net;
  const ratio = (v: number, b?: number) => (b ? ` (${((v / b) * 100).toFixed(0)}%)` : "");
  console.log(`\nEcho servers, client: node:net in one process; ${seconds} s per measurement; node ${process.version}\n`);
  console.log(`| server | MB/s, 1 conn | MB/s, ${connections} conns | connections/s | ${heldCount} held: heap+ext per conn | RSS per conn | growth while held (heap / RSS per conn) |`);
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const impl of impls) {
    const r = rows[impl]!;
    console.log(
      `| ${titles[impl]} | ${r.mbps1.toFixed(0)}${ratio(r.mbps1, base?.mbps1)} | ${r.mbps.toFixed(0)}${ratio(r.mbps, base?.mbps)} | ` +
        `${r.cps.toFixed(0)}${ratio(r.cps, base?.cps)} | ${kb(r.held.perConnection.heap)} | ${kb(r.held.perConnection.rss)} | ` +
        `${kb(r.held.growthWhileHeld.heap)} / ${kb(r.held.growthWhileHeld.rss)} |`,
    );
  }
  if (rows.runtime && base) {
    const t = rows.runtime.mbps / base.mbps;
    console.log(`\nTarget: runtime ≥ 80% of node:net throughput (${connections} conns): ${(t * 100).toFixed(0)}% — ${t >= 0.8 ? "met" : "NOT met"}`);
  }
}

await main();
