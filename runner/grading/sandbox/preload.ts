/**
 * Loaded with `--import` in the sandbox's main thread (and, as workers
 * inherit the flags, in each worker): installs the resolution hooks where
 * vite runs, the main thread. Workers never load rollup, and hooks would make
 * each of their imports wait for a hooks thread.
 */
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) register("./hooks.mjs", import.meta.url);
