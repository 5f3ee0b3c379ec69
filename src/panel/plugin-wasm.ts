import type { Kernels } from '../wasm/kernels.js';
import { loadKernels } from '../wasm/loader.js';

/**
 * Loads the kernels inside UXP: the .wasm files ship in the plugin folder and are read as bytes with
 * fs.readFile('plugin:/…') (UXP cannot fetch or stream-compile them), then instantiated asynchronously.
 * Called after the panel has shown, so a slow or failing load never blocks the UI; failures fall back to
 * the TypeScript kernels with a notice.
 */
export async function loadPluginKernels(log: (message: string) => void): Promise<Kernels> {
  const fs = require('fs') as { readFile(path: string): Promise<ArrayBuffer> };
  return loadKernels(async (file) => new Uint8Array(await fs.readFile(`plugin:/${file}`)), { log });
}
