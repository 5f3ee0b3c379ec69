#!/usr/bin/env node
// Entry point; the CLI is compiled to build/node by `npm run build` (or `npm run demo` / `npm test`).
import { existsSync } from 'node:fs';

const main = new URL('../build/node/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('planewise: not built yet; run `npm run build:wasm && npm run build:node` first.\n');
  process.exit(2);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
