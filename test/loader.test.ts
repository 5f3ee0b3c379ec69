import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { loadKernels } from '../src/wasm/loader.js';

/** The kernel loader, shared by Node and UXP: it must settle whatever the runtime does. */
describe('kernel loader', () => {
  const wasmDir = new URL('../build/wasm/', import.meta.url);
  const read = (file: string) => readFile(new URL(file, wasmDir));

  it('compiles synchronously: asynchronous compilation that never settles does not matter', async () => {
    const { instantiate, compile } = WebAssembly;
    const never = () => new Promise<never>(() => undefined);
    Object.assign(WebAssembly, { instantiate: never, compile: never });
    try {
      const k = await loadKernels(read, { timeoutMs: 1000 });
      expect(k.kind).toBe('wasm-simd');
    } finally {
      Object.assign(WebAssembly, { instantiate, compile });
    }
  });

  it('bounds every read: files that never arrive give the TypeScript kernels, with the reason', async () => {
    const messages: string[] = [];
    const started = Date.now();
    const k = await loadKernels(() => new Promise<never>(() => undefined), { timeoutMs: 100, log: (m) => messages.push(m) });
    expect(k.kind).toBe('typescript');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(messages.join('\n')).toMatch(/planewise-simd\.wasm took longer than 0\.1 s[\s\S]*planewise-scalar\.wasm took longer[\s\S]*TypeScript kernels/);
  });
});
