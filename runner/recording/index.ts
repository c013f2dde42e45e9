/** Recorded output: made by `npm run record`, shown where no runner is reachable, checked by a test. */
export {
  RECORDING_FORMAT, blockIds, recordingPath, readRecording, recordingMtime, writeRecording, formatRecording,
  type Recording, type RecordedBlock, type RecordedLine,
} from "./recording.ts";
export { recordDeck, recordPlan, DEFAULT_STOP_AFTER_SECONDS, BACKGROUND_START_MS, type RecordOptions, type RecordPlan } from "./record-deck.ts";
export { compareRecording, compareBlock, linesMatch, SAME_INSTANT_MS, STOP_MARGIN_MS } from "./compare-recording.ts";
export { recordOptions } from "./record-options.ts";
