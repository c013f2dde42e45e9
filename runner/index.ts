/** The slide runner: decks as reveal.js pages whose blocks run live in session processes. */
export { createApp, type AppDeps } from "./app.ts";
export { RunnerError, ERROR_STATUS, type ErrorCode } from "./errors.ts";
export * as config from "./config.ts";
export { createToken, tokenCookieName, VIEWER_COOKIE, LOOPBACK_HOSTS } from "./http/security.ts";
export { DeckStore, renderDeck, splitSlides, parseFenceInfo, execFencePlugin, type Deck, type ExecBlock } from "./deck/index.ts";
export { SessionManager, Session, SessionBundler, Run, transformBlock, spawnNodeSession, spawnPythonSession, ProcessPool, type RunEvent, type RunStatus } from "./session/index.ts";
export { recordDeck, compareRecording, readRecording, writeRecording, blockIds, type Recording, type RecordedBlock } from "./recording/index.ts";
export { exportSite, type ExportOptions } from "./export/index.ts";
