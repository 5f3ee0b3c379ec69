import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { root } from './cli.js';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg', '.html': 'text/html' };
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Planewise harness</title>
<style>body { margin: 0; background: #323232; }</style></head><body><div id="root"></div><script src="/harness.js"></script></body></html>`;

/** Serves the harness page, its bundle, the wasm kernels and the bundled sample stack on a free port. */
export async function startHarnessServer(): Promise<{ url: string; server: Server }> {
  const routes: [string, string][] = [['/wasm/', 'build/wasm/'], ['/samples/', 'samples/'], ['/harness.js', 'build/harness/harness.js']];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const file = route ? normalize(join(root, route[1], path.slice(route[0].length))) : undefined;
    if (!file || !file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}
