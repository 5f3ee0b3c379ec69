import type { Kernels } from '../../wasm/kernels.js';
import { loadKernels } from '../../wasm/loader.js';

/**
 * Loads the kernels inside UXP: the .wasm files ship in the plugin folder and are read as bytes from
 * `plugin:/…` (UXP cannot fetch them), by the host's `readFile` (UXP's fs.readFile). The loader bounds every
 * read with a timeout and compiles synchronously, so this always settles; when WebAssembly cannot load it
 * falls back (SIMD, scalar, TypeScript) and tells `log` why.
 */
export function loadPhotoshopKernels(readFile: (path: string) => Promise<ArrayBuffer | Uint8Array>, log: (message: string) => void, timeoutMs?: number): Promise<Kernels> {
  return loadKernels((file) => readFile(`plugin:/${file}`), { log, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}
