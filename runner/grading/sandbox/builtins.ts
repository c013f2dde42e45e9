/**
 * Snapshots of the built-ins the tests rely on (`Object.is`, `Promise`, the
 * array and function prototypes, vitest's `expect` and its matchers), to
 * detect and undo a submission's changes to them. Used by the setup file
 * (`guard.ts`, per test file) and by the test runner (`runner.ts`, once per
 * worker, before any student module, then between test files).
 */
import { expect } from "vitest";

const ownKeys = Reflect.ownKeys;
const getDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototypeOf = Reflect.getPrototypeOf;
const same = Object.is;
const defineProperty = Reflect.defineProperty;

export type Snapshot = Array<{ label: string; target: object; keys: PropertyKey[]; descriptors: Array<PropertyDescriptor | undefined>; exact: boolean }>;

/** Globals the tests use; other global properties may come and go. */
const GLOBAL_NAMES = ["Object", "Function", "Array", "Promise", "Reflect", "JSON", "Error", "Symbol", "Map", "Set", "Number", "String", "setTimeout", "queueMicrotask", "AggregateError"];

function protoChain(value: object): Array<[string, object]> {
  const chain: Array<[string, object]> = [];
  for (let p = getPrototypeOf(value); p !== null && p !== Object.prototype; p = getPrototypeOf(p)) chain.push(["expect(...) assertions", p]);
  return chain;
}

/** What is watched: call while the built-ins are still pristine. */
export function watchedBuiltins(): Array<[string, object]> {
  return [
    ["globalThis", globalThis],
    ["Object", Object],
    ["Object.prototype", Object.prototype],
    ["Function.prototype", Function.prototype],
    ["Array.prototype", Array.prototype],
    ["Promise", Promise],
    ["Promise.prototype", Promise.prototype],
    ["Reflect", Reflect],
    ["JSON", JSON],
    ["Error", Error],
    ["String.prototype", String.prototype],
    ["Number", Number],
    ["Map.prototype", Map.prototype],
    ["Set.prototype", Set.prototype],
    ["expect", expect],
    ...protoChain(expect(0) as object),
  ];
}

export function snapshot(entries: Array<[string, object]>): Snapshot {
  const result: Snapshot = [];
  for (let i = 0; i < entries.length; i++) {
    const [label, target] = entries[i]!;
    const exact = target !== globalThis;
    const keys = exact ? ownKeys(target) : GLOBAL_NAMES;
    const descriptors: Array<PropertyDescriptor | undefined> = [];
    for (let k = 0; k < keys.length; k++) descriptors.push(getDescriptor(target, keys[k]!));
    result.push({ label, target, keys, descriptors, exact });
  }
  return result;
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return same(a.value, b.value) && a.get === b.get && a.set === b.set;
}

/** The first change since `before`, described, or `undefined`. */
export function findChange(before: Snapshot): string | undefined {
  for (let i = 0; i < before.length; i++) {
    const { label, target, keys, descriptors, exact } = before[i]!;
    if (exact && ownKeys(target).length !== keys.length) return `${label} (properties added or removed)`;
    for (let k = 0; k < keys.length; k++) {
      if (!sameDescriptor(descriptors[k], getDescriptor(target, keys[k]!))) return `${label}.${String(keys[k])}`;
    }
  }
  return undefined;
}

/**
 * Puts back every watched property and, for the objects watched exactly,
 * deletes the properties added since `before`.
 */
export function restore(before: Snapshot): void {
  for (let i = 0; i < before.length; i++) {
    const { target, keys, descriptors, exact } = before[i]!;
    for (let k = 0; k < keys.length; k++) {
      const d = descriptors[k];
      const now = getDescriptor(target, keys[k]!);
      if (!sameDescriptor(d, now)) {
        try {
          if (d === undefined) Reflect.deleteProperty(target, keys[k]!);
          else defineProperty(target, keys[k]!, d);
        } catch {
          // A frozen or non-configurable property: the failure is reported anyway.
        }
      }
    }
    if (exact) {
      const known = new Set(keys);
      for (const key of ownKeys(target)) {
        if (!known.has(key)) {
          try {
            Reflect.deleteProperty(target, key);
          } catch {
            // As above.
          }
        }
      }
    }
  }
}
