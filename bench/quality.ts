// Quality per synthetic scene and fusion mode against exact ground truth (issue #11): PSNR on 8-bit values,
// PSNR after a global affine intensity fit (the gap is tone change), error in a band around depth edges
// (halos), noise in flat areas relative to one frame, alignment error, the hybrid's pyramid share.
// Scenes are generated once and cached under build/bench-cache (generation is slower than stacking).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackFrames } from '../src/engine/pipeline.js';
import { FUSION_MODES, type FusionMode } from '../src/engine/options.js';
import type { StackInfo } from '../src/engine/types.js';
import { packageRoot } from '../src/host-bridge/files/index.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemoryFrameSource, MemorySink } from '../test/helpers/memory-host.js';
import { createSyntheticStack, type Affine } from '../test/synthetic/generator.js';
import { alignmentSummary, bandError, cropChunky, errorStd, fittedPsnr8, flatMask, haloBand, psnr8 } from '../test/synthetic/metrics.js';
import { SCENE_NAMES, sceneOptions, type SceneName } from '../test/synthetic/scenes.js';
import type { Row } from './table.js';

/** Pixels around a depth edge that count as its halo band. */
const HALO_RADIUS = 8;

interface Scene {
  width: number;
  height: number;
  channels: 1 | 3;
  reference: number;
  transforms: Affine[];
  truth: Float32Array;
  depth: Float32Array;
  frames: Uint8Array[];
}

function loadScene(name: SceneName, scale: number): Scene {
  const dir = join(packageRoot(), 'build', 'bench-cache', 'scenes');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${name}-${scale}`);
  if (existsSync(`${base}.json`)) {
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Omit<Scene, 'truth' | 'depth' | 'frames'> & { count: number };
    const bytes = readFileSync(`${base}.bin`);
    const px = meta.width * meta.height;
    let at = bytes.byteOffset;
    const take = (n: number) => bytes.buffer.slice(at, (at += n));
    const truth = new Float32Array(take(px * meta.channels * 4));
    const depth = new Float32Array(take(px * 4));
    const frames = Array.from({ length: meta.count }, () => new Uint8Array(take(px * meta.channels)));
    return { ...meta, truth, depth, frames };
  }
  const s = createSyntheticStack(sceneOptions(name, scale));
  const frames = Array.from({ length: s.frames }, (_, i) => s.quantizeFrame(i) as Uint8Array);
  const scene: Scene = { width: s.width, height: s.height, channels: s.channels, reference: s.reference, transforms: s.transforms, truth: s.allInFocus, depth: s.depth, frames };
  writeFileSync(`${base}.json`, JSON.stringify({ width: s.width, height: s.height, channels: s.channels, reference: s.reference, transforms: s.transforms, count: frames.length }));
  writeFileSync(`${base}.bin`, Buffer.concat([Buffer.from(s.allInFocus.buffer), Buffer.from(s.depth.buffer), ...frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.length))]));
  return scene;
}

export interface QualityFigures {
  scene: SceneName;
  mode: FusionMode;
  psnr: number;
  fitted: number;
  gain: number;
  halo: number;
  flatNoise: number;
  alignMean: number;
  alignMax: number;
  pyramidShare: number;
  seconds: number;
}

/** Stacks each scene in each mode in process (one thread) and measures the composite against the truth. */
export async function measureQuality(scenes: readonly SceneName[], modes: readonly FusionMode[], scale = 1): Promise<QualityFigures[]> {
  const k = await loadNodeKernels('wasm-simd');
  const out: QualityFigures[] = [];
  for (const name of scenes) {
    const sc = loadScene(name, scale);
    const info: StackInfo = { width: sc.width, height: sc.height, channels: sc.channels, bitDepth: 8, frames: sc.frames.map((_, i) => ({ name: `frame ${i}` })) };
    for (const mode of modes) {
      const sink = new MemorySink();
      const t0 = performance.now();
      const result = await stackFrames(new MemoryFrameSource(info, sc.frames), sink, k, { mode, layers: 'none', depthMap: false });
      const seconds = (performance.now() - t0) / 1000;
      const { crop } = result;
      const truth = cropChunky(sc.truth, sc.width, sc.channels, crop);
      const depth = cropChunky(sc.depth, sc.width, 1, crop);
      const reference = cropChunky(Float32Array.from(sc.frames[sc.reference]!, (v) => v / 255), sc.width, sc.channels, crop);
      const composite = sink.composite!;
      const band = haloBand(depth, crop.width, crop.height, HALO_RADIUS);
      const flat = flatMask(truth, crop.width, crop.height, sc.channels, band);
      const fit = fittedPsnr8(composite, truth);
      const alignment = alignmentSummary(result.frames.map((f) => f.transform), sc.transforms, crop);
      out.push({
        scene: name, mode, seconds,
        psnr: psnr8(composite, truth), fitted: fit.psnr, gain: fit.gain,
        halo: bandError(composite, truth, sc.channels, band),
        flatNoise: errorStd(composite, truth, sc.channels, flat) / errorStd(reference, truth, sc.channels, flat),
        alignMean: alignment.mean, alignMax: alignment.max,
        pyramidShare: result.pyramidShare,
      });
    }
  }
  return out;
}

export function qualityRows(figures: QualityFigures[]): Row[] {
  const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
  return figures.map((q) => ({
    scene: q.scene,
    mode: q.mode,
    PSNR: f(q.psnr),
    fitted: f(q.fitted),
    'tone gap': f(q.fitted - q.psnr),
    'halo band': f(q.halo),
    'flat noise ×': f(q.flatNoise),
    'align mean/max px': `${f(q.alignMean)} / ${f(q.alignMax)}`,
    'pyramid share': q.mode !== 'hybrid' ? '-' : `${(q.pyramidShare * 100).toFixed(0)} %`,
    s: f(q.seconds, 1),
  }));
}

/** `npm run bench -- --quality [--scenes a,b] [--modes m,n] [--scale 0.5]`. */
export async function runQualityBench(args: string[]): Promise<void> {
  const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
  const scenes = (value('--scenes')?.split(',') ?? SCENE_NAMES) as SceneName[];
  const modes = (value('--modes')?.split(',') ?? FUSION_MODES) as FusionMode[];
  const scale = Number(value('--scale') ?? 1);
  const { printTable } = await import('./table.js');
  printTable(`Synthetic scenes with ground truth (scale ${scale}; halo band = mean abs error, 8-bit units, within ${HALO_RADIUS} px of depth edges)`,
    qualityRows(await measureQuality(scenes, modes, scale)));
}
