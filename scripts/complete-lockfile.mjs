// This workplace's npm registry serves only the Linux builds of packages that ship one binary
// package per platform, so `npm install` leaves the others out of package-lock.json and `npm ci`
// then refuses the lockfile as out of sync. This adds the missing optional platform entries with
// their os/cpu, so npm skips them on Linux exactly as it would with a complete lockfile.
// Run it after `npm install` changes the lockfile: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;
const platformOf = (name) => {
  const os = ["darwin", "win32", "android", "freebsd", "linux"].find((candidate) => name.includes(candidate));
  const cpu = ["arm64", "x64", "ia32", "wasm32", "arm"].find((candidate) => name.includes(candidate));
  return { os, cpu };
};

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] || packages[`${path}/node_modules/${name}`]) continue;
    const { os, cpu } = platformOf(name);
    packages[key] = {
      version,
      optional: true,
      ...(entry.dev ? { dev: true } : {}),
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(name.includes("musl") ? { libc: ["musl"] } : {}),
    };
    added += 1;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform entries`);
