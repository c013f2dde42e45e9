/**
 * The one error handler, registered last: every error becomes `{ error: { code, message } }`
 * with the catalogue's status (an HTML page for page requests).
 */
import type { NextFunction, Request, Response } from "express";
import { RunnerError } from "../errors.ts";
import { escapeHtml, page } from "./pages/html.ts";

/** Converts body-parser's errors (size, syntax) into catalogue errors. */
export function toRunnerError(error: unknown): RunnerError {
  if (error instanceof RunnerError) return error;
  const e = error as { type?: string; status?: number; limit?: number; message?: string };
  if (e?.type === "entity.too.large") return new RunnerError("BODY_TOO_LARGE", `The request body is larger than the limit (${e.limit} bytes).`);
  if (e?.type === "entity.parse.failed") return new RunnerError("BAD_REQUEST", `The request body is not valid JSON: ${e.message}`);
  if (e?.status === 404 || e?.status === 403) return new RunnerError("NOT_FOUND", "Nothing here.");
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) return new RunnerError("BAD_REQUEST", e.message ?? "Bad request.");
  return new RunnerError("INTERNAL", "The runner failed; its console has the details. Please report it.");
}

/**
 * Creates the handler.
 *
 * @param log - where unexpected errors are reported. @default console.error
 */
export function errorHandler(log: (error: unknown) => void = console.error) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const runnerError = toRunnerError(error);
    if (runnerError.code === "INTERNAL") log(error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(runnerError.status);
    if (!req.path.startsWith("/api/") && req.accepts(["json", "html"]) === "html") {
      res.type("html").send(page(`Error ${runnerError.status}`, `<main class="index"><h1>${runnerError.status}</h1><p>${escapeHtml(runnerError.message)}</p></main>`, `<link rel="stylesheet" href="/assets/runner.css">`));
      return;
    }
    res.json({ error: { code: runnerError.code, message: runnerError.message } });
  };
}
