/**
 * The runner's Express app: pages (index, decks), reveal.js and the client from disk, and the
 * API that runs code. Created, not started: `main.ts` listens, tests call it with supertest.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Express, type Request, type Response } from "express";
import { CLIENT_CSS, clientScript } from "./client/client-bundle.ts";
import { DEFAULT_BODY_LIMIT } from "./config.ts";
import { DeckStore, listExercises } from "./deck/deck-store.ts";
import { RunnerError } from "./errors.ts";
import { errorHandler } from "./http/error-handler.ts";
import { renderDeckPage } from "./http/pages/deck-page.ts";
import { renderExercisePage } from "./http/pages/exercise-page.ts";
import { renderIndexPage } from "./http/pages/index-page.ts";
import { runHandler } from "./http/run-handler.ts";
import { checkHost, checkOrigin, LOOPBACK_HOSTS, requireToken, securityHeaders } from "./http/security.ts";
import type { SessionManager } from "./session/session-manager.ts";
import { pythonUnavailable } from "./session/spawn.ts";
import { readExercise } from "./grading/exercise-catalog.ts";

/** Exercise folders are `NN-topic`. */
const EXERCISE_NAME = /^\d\d-[a-z0-9-]+$/;

/** What the app is made of. */
export interface AppDeps {
  /** The folder of decks (`slides/`). */
  slidesDir: string;
  /** The folder of exercises (`exercises/`). */
  exercisesDir: string;
  /** The token every request must carry (see `requireToken`). */
  token: string;
  sessions: SessionManager;
  /** Host names the server answers for. @default LOOPBACK_HOSTS */
  allowedHosts?: string[];
  /** Largest API request body. @default DEFAULT_BODY_LIMIT */
  bodyLimit?: string;
  /** Says why Python blocks cannot run, or `null`. @default checks `python3 -c "import trio"` */
  pythonUnavailable?: () => Promise<string | null>;
  /** Where unexpected errors are reported. @default console.error */
  log?: (error: unknown) => void;
}

/** Any `..` segment, raw or percent-encoded, is a 404: no path may climb out of its folder. */
function rejectDotDot(req: Request, _res: Response, next: () => void): void {
  let path = req.path;
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new RunnerError("NOT_FOUND", `Nothing here: ${req.path}`);
  }
  if (/(^|[\\/])\.\.([\\/]|$)/.test(path) || /%2e%2e/i.test(req.originalUrl)) {
    throw new RunnerError("NOT_FOUND", `Nothing here: ${req.path}`);
  }
  next();
}

const REVEAL_DIST = path.dirname(createRequire(import.meta.url).resolve("reveal.js"));

/**
 * Creates the app.
 *
 * @param deps - see {@link AppDeps}.
 * @returns the Express app, not listening.
 * @example
 * const app = createApp({ slidesDir: "slides", exercisesDir: "exercises", token, sessions });
 * app.listen(8077, "127.0.0.1");
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const decks = new DeckStore(deps.slidesDir);
  app.disable("x-powered-by");
  app.set("etag", false);

  app.use(securityHeaders());
  app.use(checkHost(deps.allowedHosts ?? LOOPBACK_HOSTS));
  app.use(checkOrigin());
  app.use(rejectDotDot);
  app.use(requireToken(deps.token));
  app.use((_req, res, next) => {
    deps.sessions.seen(res.locals["viewer"] as string);
    next();
  });

  app.use("/vendor/reveal", express.static(REVEAL_DIST, { fallthrough: false, index: false }));
  app.get("/assets/runner-client.js", async (_req: Request, res: Response) => {
    res.type("js").send(await clientScript());
  });
  app.get("/assets/runner.css", (_req: Request, res: Response) => res.sendFile(CLIENT_CSS));

  app.get("/", async (_req: Request, res: Response) => {
    const [list, exercises] = await Promise.all([decks.list(), listExercises(deps.exercisesDir)]);
    res.type("html").send(renderIndexPage(list, exercises));
  });
  app.get("/decks/:deck", async (req: Request, res: Response) => {
    const deck = await decks.get(String(req.params["deck"]));
    if (!deck) throw new RunnerError("NOT_FOUND", `There is no deck \`${String(req.params["deck"])}\` in ${deps.slidesDir}.`);
    res.type("html").send(renderDeckPage(deck, { recording: await decks.recording(deck.name) }));
  });

  app.get("/exercises/:name", (req: Request, res: Response) => {
    const name = String(req.params["name"]);
    const root = path.dirname(path.resolve(deps.exercisesDir));
    if (!EXERCISE_NAME.test(name) || !existsSync(path.join(root, "exercises", name, "README.md"))) {
      throw new RunnerError("NOT_FOUND", `There is no exercise \`${name}\` in ${deps.exercisesDir}.`);
    }
    res.type("html").send(renderExercisePage(readExercise(root, name)));
  });

  const api = express.Router();
  api.use(express.json({ limit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT }));
  api.get("/decks/:deck", async (req: Request, res: Response) => {
    const deck = await decks.get(String(req.params["deck"]));
    if (!deck) throw new RunnerError("NOT_FOUND", `There is no deck \`${String(req.params["deck"])}\`.`);
    res.json({ name: deck.name, title: deck.title, blocks: deck.blocks });
  });
  api.post("/decks/:deck/run", runHandler({ decks, sessions: deps.sessions, pythonUnavailable: deps.pythonUnavailable ?? pythonUnavailable }));
  api.post("/decks/:deck/reset", async (req: Request, res: Response) => {
    const deck = await decks.get(String(req.params["deck"]));
    if (!deck) throw new RunnerError("NOT_FOUND", `There is no deck \`${String(req.params["deck"])}\`.`);
    res.json({ ended: deps.sessions.reset(res.locals["viewer"] as string, deck.name) });
  });
  api.post("/runs/:run/stop", (req: Request, res: Response) => {
    if (!deps.sessions.stop(res.locals["viewer"] as string, String(req.params["run"]))) {
      throw new RunnerError("NOT_FOUND", `You have no run \`${String(req.params["run"])}\` going (it may have ended).`);
    }
    res.status(202).json({ stopping: true });
  });
  api.post("/heartbeat", (_req: Request, res: Response) => {
    res.status(204).end();
  });
  app.use("/api", api);

  app.use((req: Request) => {
    throw new RunnerError("NOT_FOUND", `Nothing here: ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.log));
  return app;
}
