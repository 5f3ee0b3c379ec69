import { Arena, createLinearMemory } from './arena.js';
import { KERNEL_EXPORTS, type KernelKind, type Kernels } from './kernels.js';
import { createReferenceKernels } from './reference/index.js';

export const WASM_FILES = { simd: 'planewise-simd.wasm', scalar: 'planewise-scalar.wasm' } as const;

export interface LoadOptions {
  /** Force a backend (tests, bench, --kernels); by default the best that loads. */
  prefer?: KernelKind;
  /** Told why a faster backend was skipped. */
  log?: (message: string) => void;
  /** How long one read of a .wasm file may take before the next option is tried (default 10 s). */
  timeoutMs?: number;
}

const READ_TIMEOUT_MS = 10_000;

/**
 * The smallest module using a SIMD instruction: (func (result v128) (v128.const i32x4 0 0 0 0)).
 * WebAssembly.validate() on it says whether this runtime has SIMD, without instantiating anything.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, // code: v128.const
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x0b, // end
]);

export function simdSupported(): boolean {
  try {
    return typeof WebAssembly !== 'undefined' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * Loads the kernels: the SIMD build where the runtime has SIMD, else the scalar build, else the
 * TypeScript reference kernels. Bytes come from the host (`readBytes`: fs in Node, `plugin:/` in UXP);
 * each read is bounded by a timeout, and the modules (~20 KB) are compiled synchronously, because UXP has
 * been reported never to settle asynchronous compilation (Adobe's wasm sample moved to a synchronous init).
 * So the returned promise always settles. Never throws for a missing, slow or broken module: it falls back
 * and logs.
 */
export async function loadKernels(readBytes: (file: string) => Promise<Uint8Array | ArrayBuffer>, options: LoadOptions = {}): Promise<Kernels> {
  const log = options.log ?? (() => undefined);
  const order: KernelKind[] = options.prefer === 'typescript' ? [] : options.prefer === 'wasm-scalar' ? ['wasm-scalar'] : ['wasm-simd', 'wasm-scalar'];
  if (typeof WebAssembly === 'undefined') {
    log('WebAssembly is not available here; using the TypeScript kernels (slower).');
    return createReferenceKernels(new Arena(createLinearMemory(), 0));
  }
  for (const kind of order) {
    if (kind === 'wasm-simd' && !simdSupported()) {
      log('WebAssembly SIMD is not supported here; using the scalar build.');
      continue;
    }
    try {
      const file = kind === 'wasm-simd' ? WASM_FILES.simd : WASM_FILES.scalar;
      const bytes = await withTimeout(readBytes(file), options.timeoutMs ?? READ_TIMEOUT_MS, `reading ${file}`);
      return instantiate(kind, bytes);
    } catch (error) {
      log(`Could not load the ${kind} kernels (${(error as Error).message}); trying the next option.`);
    }
  }
  if (options.prefer !== 'typescript') log('Using the TypeScript kernels (slower).');
  return createReferenceKernels(new Arena(createLinearMemory(), 0));
}

/** Settles with `promise`, or rejects after `ms` saying what took too long. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function instantiate(kind: KernelKind, bytes: Uint8Array | ArrayBuffer): Kernels {
  // Typed as a possibly shared buffer; the hosts hand plain ArrayBuffers.
  const source = (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) as Uint8Array<ArrayBuffer>;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(source), {});
  const exports = instance.exports as Record<string, unknown>;
  const memory = exports.memory;
  const heapBase = exports.__heap_base;
  if (!(memory instanceof WebAssembly.Memory) || !(heapBase instanceof WebAssembly.Global)) {
    throw new Error('module lacks its memory or __heap_base export');
  }
  const arena = new Arena(memory, heapBase.value as number);
  const kernels: Record<string, unknown> = { kind, arena };
  for (const [method, name] of Object.entries(KERNEL_EXPORTS)) {
    const fn = exports[name];
    if (typeof fn !== 'function') throw new Error(`module lacks kernel ${name}`);
    kernels[method] = fn;
  }
  return kernels as unknown as Kernels;
}
