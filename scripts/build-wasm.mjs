// Compiles the C kernels in src/wasm/c to two WebAssembly modules with @yowasp/clang (clang + lld running
// in WebAssembly, pinned in package.json): build/wasm/planewise-simd.wasm (-msimd128: the vectoriser uses
// 128-bit SIMD) and build/wasm/planewise-scalar.wasm. Skips the work when the outputs are up to date.
import { runClang } from '@yowasp/clang';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = `${root}src/wasm/c/`;
const outDir = `${root}build/wasm/`;
const targets = { 'planewise-simd.wasm': ['-msimd128'], 'planewise-scalar.wasm': [] };

const sources = (await readdir(srcDir)).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
const inputs = [...sources.map((f) => srcDir + f), fileURLToPath(import.meta.url)];
const newestInput = Math.max(...(await Promise.all(inputs.map(async (f) => (await stat(f)).mtimeMs))));
const outputsTime = await Promise.all(Object.keys(targets).map((f) => stat(outDir + f).then((s) => s.mtimeMs, () => 0)));
if (Math.min(...outputsTime) > newestInput) {
  console.log('build-wasm: kernels up to date');
  process.exit(0);
}

const files = Object.fromEntries(await Promise.all(sources.map(async (f) => [f, await readFile(srcDir + f, 'utf8')])));
const common = [
  '--target=wasm32', '-O3', '-ffreestanding', '-nostdlib', '-mbulk-memory', '-fno-math-errno',
  '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter',
  '-Wl,--no-entry', '-Wl,--export=__heap_base', '-Wl,--initial-memory=4194304', '-Wl,--max-memory=4294967296',
  '-Wl,-z,stack-size=65536', '-Wl,--strip-all',
];
await mkdir(outDir, { recursive: true });
for (const [name, flags] of Object.entries(targets)) {
  let result;
  try {
    result = await runClang(['clang', ...common, ...flags, ...sources.filter((f) => f.endsWith('.c')), '-o', name], files);
  } catch (error) {
    console.error(`build-wasm: compiling ${name} failed:\n${error.message ?? error}`);
    process.exit(1);
  }
  const wasm = result[name];
  if (!wasm) {
    console.error(`build-wasm: clang produced no ${name}`);
    process.exit(1);
  }
  // The kernels must be self-contained: no imports at all (no libc, no host functions).
  const module = await WebAssembly.compile(wasm);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length) {
    console.error(`build-wasm: ${name} imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}; kernels must be freestanding`);
    process.exit(1);
  }
  await writeFile(outDir + name, wasm);
  console.log(`build-wasm: ${name} ${wasm.length} bytes`);
}
