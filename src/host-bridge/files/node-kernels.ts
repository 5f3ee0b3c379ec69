import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels, KernelKind } from '../../wasm/kernels.js';
import { loadKernels } from '../../wasm/loader.js';

/** The package root: the nearest ancestor whose package.json is Planewise's (works from src/ and build/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'planewise') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the planewise package root');
    dir = parent;
  }
}

/** Kernels for Node: the wasm builds from build/wasm, falling back like the panel does. */
export async function loadNodeKernels(prefer?: KernelKind, log?: (message: string) => void): Promise<Kernels> {
  const wasmDir = join(packageRoot(), 'build', 'wasm');
  return loadKernels((file) => readFile(join(wasmDir, file)), { ...(prefer ? { prefer } : {}), ...(log ? { log } : {}) });
}
