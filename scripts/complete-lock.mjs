// Completes package-lock.json for `npm ci` on machines whose registry serves
// only this platform's builds: npm records no entry for an optional platform
// package it could not fetch (rollup's android/darwin/... binaries), and then
// `npm ci` refuses the lock as out of sync. An entry with just the version is
// enough; npm skips optional packages that do not fit the platform.
// Idempotent. Usage: node scripts/complete-lock.mjs [package-lock.json]
import fs from "node:fs";

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ""}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, dev: entry.dev, optional: true };
    added++;
  }
}
if (added) fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: ${added} optional platform entr${added === 1 ? "y" : "ies"} added`);
