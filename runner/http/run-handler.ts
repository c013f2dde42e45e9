/**
 * `POST /api/decks/:deck/run`: runs a block (with the setup blocks it needs) or a console line
 * in the viewer's session, and streams the run's events as NDJSON, one JSON object per line,
 * while they happen.
 */
import type { Request, Response } from "express";
import type { DeckStore } from "../deck/deck-store.ts";
import type { ExecBlock } from "../deck/exec-fence-plugin.ts";
import type { ExecLanguage } from "../deck/fence-info.ts";
import { RunnerError } from "../errors.ts";
import type { RunStep } from "../session/protocol.ts";
import { Run, type RunEvent } from "../session/run.ts";
import type { SessionEntry, SessionManager } from "../session/session-manager.ts";
import { toRunStep } from "../session/run-step.ts";
import { isTraceOn } from "../session/trace-events.ts";
import { BlockSyntaxError } from "../session/transform-block.ts";

/** The body the endpoint accepts. */
export interface RunRequest {
  /** The block to run (its index in the deck). */
  block?: number;
  /** The block's code as edited on the slide, or the console's line. */
  code?: string;
  /** Run `code` as a console line (its final expression's value is shown). */
  console?: boolean;
  /** The console's language. @default the deck's first block's language */
  language?: ExecLanguage;
  /** Stream runtime events (task spawned / exited). */
  events?: boolean;
  /** Stream the trace for the pictures. @default whether the block's fence says `trace` */
  trace?: boolean;
}

/** Longest code accepted, in characters. */
const MAX_CODE_LENGTH = 100_000;

/**
 * Checks a request body.
 *
 * @throws RunnerError `BAD_REQUEST` saying which field is wrong and what it was.
 */
export function parseRunRequest(body: unknown): RunRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RunnerError("BAD_REQUEST", `Expected a JSON object such as {"block": 0}, got \`${describe(body)}\`. Send it with Content-Type: application/json.`);
  }
  const b = body as Record<string, unknown>;
  const request: RunRequest = {};
  if (b["block"] !== undefined) {
    if (!Number.isInteger(b["block"]) || (b["block"] as number) < 0) throw new RunnerError("BAD_REQUEST", `Expected \`block\` to be a block index (an integer from 0), got \`${describe(b["block"])}\`.`);
    request.block = b["block"] as number;
  }
  if (b["code"] !== undefined) {
    if (typeof b["code"] !== "string" || b["code"].length > MAX_CODE_LENGTH) throw new RunnerError("BAD_REQUEST", `Expected \`code\` to be a string of at most ${MAX_CODE_LENGTH} characters, got \`${describe(b["code"])}\`.`);
    request.code = b["code"];
  }
  for (const flag of ["console", "events", "trace"] as const) {
    if (b[flag] !== undefined) {
      if (typeof b[flag] !== "boolean") throw new RunnerError("BAD_REQUEST", `Expected \`${flag}\` to be true or false, got \`${describe(b[flag])}\`.`);
      request[flag] = b[flag];
    }
  }
  if (b["language"] !== undefined) {
    if (b["language"] !== "typescript" && b["language"] !== "python") throw new RunnerError("BAD_REQUEST", `Expected \`language\` to be "typescript" or "python", got \`${describe(b["language"])}\`.`);
    request.language = b["language"];
  }
  if (request.console ? request.code === undefined : request.block === undefined) {
    throw new RunnerError("BAD_REQUEST", request.console ? "A console run needs `code`." : "Say which block to run: {\"block\": <index>}.");
  }
  return request;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return `${text.length > 60 ? `${text.slice(0, 60)}…` : text} (${Array.isArray(value) ? "array" : value === null ? "null" : typeof value})`;
}

/** What the handler needs. */
export interface RunHandlerDeps {
  decks: DeckStore;
  sessions: SessionManager;
  /** Says why Python blocks cannot run here, or `null`. */
  pythonUnavailable: () => Promise<string | null>;
}

/**
 * Creates the handler.
 */
export function runHandler(deps: RunHandlerDeps) {
  return async (req: Request, res: Response) => {
    const viewer = res.locals["viewer"] as string;
    const deck = await deps.decks.get(String(req.params["deck"]));
    if (!deck) throw new RunnerError("NOT_FOUND", `There is no deck \`${String(req.params["deck"])}\`.`);
    const request = parseRunRequest(req.body);

    let block: ExecBlock | null = null;
    let language: ExecLanguage;
    if (request.console) {
      language = request.language ?? deck.blocks[0]?.language ?? "typescript";
    } else {
      block = deck.blocks[request.block!] ?? null;
      if (!block) throw new RunnerError("NOT_FOUND", `Deck \`${deck.name}\` has no block ${request.block} (it has ${deck.blocks.length}).`);
      language = block.language;
    }

    const problem = language === "python" ? await deps.pythonUnavailable() : null;
    const entry = problem ? null : deps.sessions.entry(viewer, deck.name, language);
    let run: Run;
    try {
      if (problem) throw new StepError(problem);
      // Start the process first: which setup blocks it has run depends on which process it is.
      await entry!.session.start().catch((error: Error) => {
        throw new StepError(error.message);
      });
      const generation = entry!.session.generation;
      if (entry!.setupGeneration !== generation) {
        entry!.setupDone.clear();
        entry!.setupGeneration = generation;
      }
      const setup = block ? setupFor(deck.blocks, block, entry!) : [];
      const steps: RunStep[] = [
        ...setup.map((b) => step(b.language, b.code, `block-${b.index}`, "block")),
        request.console
          ? step(language, request.code!, "console", "console")
          : step(language, request.code ?? block!.code, `block-${block!.index}`, "block"),
      ];
      const wallTimeMs = block?.timeoutSeconds ? block.timeoutSeconds * 1000 : undefined;
      run = deps.sessions.run(entry!, steps, { ...(wallTimeMs ? { wallTimeMs } : {}), events: request.events ?? false, trace: request.trace ?? (block !== null && isTraceOn(block.attributes["trace"])) });
      void run.ended.then((end) => {
        // After an error the setup may not have run through: it runs again next time.
        if (end.status !== "error" && entry!.setupGeneration === generation) for (const b of setup) entry!.setupDone.add(b.index);
      });
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      run = new Run("not-started");
      run.finish("error", error.message);
    }
    stream(req, res, run);
  };
}

class StepError extends Error {}

/**
 * The `exechidden` blocks to run before a block: those on its slide, and those before it not
 * yet run in this session's process.
 */
function setupFor(blocks: ExecBlock[], block: ExecBlock, entry: SessionEntry): ExecBlock[] {
  return blocks.filter(
    (b) =>
      b.kind === "exechidden" &&
      b.index !== block.index &&
      b.language === block.language &&
      (b.slide === block.slide || (b.index < block.index && !entry.setupDone.has(b.index))),
  );
}

function step(language: ExecLanguage, code: string, label: string, mode: "block" | "console"): RunStep {
  try {
    return toRunStep(language, code, label, mode);
  } catch (error) {
    if (error instanceof BlockSyntaxError) throw new StepError(`SyntaxError: ${error.message}`);
    throw error;
  }
}

function stream(req: Request, res: Response, run: Run): void {
  res.writeHead(200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  const unsubscribe = run.subscribe((event: RunEvent) => {
    res.write(`${JSON.stringify(event)}\n`);
    if (event.type === "end") res.end();
  });
  // The run goes on if the page goes away: Stop, the wall-time limit or reaping end it.
  res.on("close", unsubscribe);
}
