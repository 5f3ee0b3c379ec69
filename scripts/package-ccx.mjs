// `npm run package`: zips dist/ into planewise-<version>.ccx, the file Creative Cloud installs
// (a .ccx is a zip of the plugin folder with manifest.json at its root).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const manifest = JSON.parse(await readFile(join(dist, 'manifest.json'), 'utf8'));

async function collect(dir, files = {}) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collect(path, files);
    else files[relative(dist, path).split('\\').join('/')] = new Uint8Array(await readFile(path));
  }
  return files;
}

const out = join(root, `planewise-${manifest.version}.ccx`);
await writeFile(out, zipSync(await collect(dist), { level: 9 }));
console.log(`package: ${relative(root, out)}`);
