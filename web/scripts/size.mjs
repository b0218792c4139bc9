// Prints the JavaScript the build ships, raw and gzipped, and fails the build
// above 1 MB gzipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
let raw = 0;
let gzipped = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.js')) continue;
  const bytes = readFileSync(join(dir, name));
  raw += statSync(join(dir, name)).size;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n) => (n / 1024).toFixed(1) + ' KiB';
console.log(`JavaScript shipped: ${kib(raw)} raw, ${kib(gzipped)} gzipped (limit 1024 KiB)`);
if (gzipped > 1024 * 1024) {
  console.error('The JavaScript shipped is over 1 MB gzipped');
  process.exit(1);
}
