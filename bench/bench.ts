// `npm run bench`: wall time and peak memory of whole runs on the real stacks, quality per synthetic scene and
// mode, and kernel throughput per backend. --large, --photoshop and --quality run one part on its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUSION_MODES } from '../src/engine/options.js';
import { packageRoot } from '../src/host-bridge/files/index.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import type { KernelKind } from '../src/wasm/kernels.js';
import { runQualityBench } from './quality.js';
import { printTable, type Row } from './table.js';

if (process.argv.includes('--large')) {
  const { runLargeBench } = await import('./large.js'); // the 24 MP x 20 whole-run bench, on its own
  await runLargeBench(process.argv.slice(2));
  process.exit(0);
}
if (process.argv.includes('--quality')) {
  const { runQualityBench } = await import('./quality.js'); // the scene x mode quality table, on its own
  await runQualityBench(process.argv.slice(2));
  process.exit(0);
}
if (process.argv.includes('--photoshop')) {
  const { runPhotoshopBench } = await import('./photoshop-path.js'); // the Photoshop path through the fake, on its own
  await runPhotoshopBench(process.argv.slice(2));
  process.exit(0);
}

const root = packageRoot();
const realDir = join(root, '..', 'shared', 'data', 'real');
const sets = existsSync(realDir)
  ? readdirSync(realDir).map((d) => join(realDir, d))
  : [join(root, 'samples', 'focusstack-pcb7')];
const runner = fileURLToPath(new URL('./run-one.js', import.meta.url));

const rows: Row[] = [];
for (const set of sets) {
  for (const mode of FUSION_MODES) {
    const out = mkdtempSync(join(tmpdir(), 'planewise-bench-'));
    const t0 = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [runner, set, out, mode, 'wasm-simd'], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    rmSync(out, { recursive: true, force: true });
    if (child.status !== 0) {
      rows.push({ set: set.split('/').pop()!, mode, error: child.stderr.trim().split('\n').pop() ?? 'failed' });
      continue;
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    rows.push({
      set: set.split('/').pop()!,
      mode,
      frames: String(r.frames),
      output: `${r.crop.width}x${r.crop.height}`,
      'wall s': wall.toFixed(2),
      'align s': r.seconds.align.toFixed(2),
      'fuse s': r.seconds.fuse.toFixed(2),
      'peak RSS MiB': r.maxRssMiB.toFixed(0),
      'arena MiB': r.arenaPeakMiB.toFixed(0),
      tiles: String(r.tiles),
    });
  }
}
printTable('Whole runs (CLI engine, PSD + PNG + depth written, wasm-simd)', rows);

await runQualityBench([]);

// Kernel throughput on a 2048x1536 plane.
const kernelRows: Row[] = [];
for (const kind of ['wasm-simd', 'wasm-scalar', 'typescript'] as KernelKind[]) {
  const k = await loadNodeKernels(kind);
  const w = 2048, h = 1536, n = w * h;
  const a = k.arena.plane(w, h), b = k.arena.plane(w, h), t = k.arena.plane(w, h);
  const data = k.arena.planeData(a);
  for (let i = 0; i < n; i++) data[i] = Math.random();
  const weights = k.arena.alloc(5 * 4);
  k.arena.f32(weights, 5).set([0.4, 0.2, 0.08, 0.015, 0.005]);
  const time = (f: () => void) => { f(); const t0 = performance.now(); for (let i = 0; i < 3; i++) f(); return (performance.now() - t0) / 3; };
  kernelRows.push({
    kernels: k.kind,
    'convolve r4 ms': time(() => k.convolveSeparable(a.ptr, b.ptr, t.ptr, w, h, weights, 4)).toFixed(1),
    'warp bicubic ms': time(() => k.warpAffineBicubic(a.ptr, w, h, 0, b.ptr, w, h, 0, 1, 1.01, 0.01, -3, -0.01, 1.01, 2, 0, 0, 0, 0)).toFixed(1),
    'laplacian ms': time(() => k.laplacianEnergy(a.ptr, b.ptr, w, h)).toFixed(1),
    'pyrDown ms': time(() => k.pyrDown(a.ptr, w, h, b.ptr)).toFixed(1),
  });
}
printTable('Kernels on a 2048x1536 float plane', kernelRows);

