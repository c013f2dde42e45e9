/** Loaded with `--import` in the sandbox's main thread: installs the resolution hooks. */
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
