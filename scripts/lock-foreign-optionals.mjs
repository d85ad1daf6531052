// The npm registry reachable here does not serve some platform binaries that @swc/core
// and @unrs/resolver-binding declare as optional dependencies (darwin, win32, …), so
// `npm install` cannot record them in package-lock.json — and `npm ci` then refuses a
// lock it considers incomplete. This adds an entry for each such optional package, with
// the os / cpu / libc its name states: npm ci skips them on this platform (as it would
// any foreign optional binary) without fetching anything.
// Run after any `npm install` that rewrites the lock: `node scripts/lock-foreign-optionals.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony'];
const CPU = { arm64: 'arm64', x64: 'x64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', s390x: 's390x', loong64: 'loong64', riscv64: 'riscv64' };

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const tokens = name.split('/').pop().split('-');
    const os = tokens.find((t) => OS.includes(t));
    const cpu = tokens.map((t) => CPU[t]).find(Boolean);
    if (!os || !cpu) throw new Error(`${name} (optional dependency of ${path || 'the root'}) names no platform: add it by hand`);
    const libc = tokens.includes('musl') || tokens.includes('musleabihf') ? ['musl'] : tokens.includes('gnu') || tokens.includes('gnueabihf') ? ['glibc'] : undefined;
    lock.packages[key] = { version, cpu: [cpu], ...(entry.dev ? { dev: true } : {}), ...(libc ? { libc } : {}), optional: true, os: [os] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: recorded ${added} foreign-platform optional packages`);
