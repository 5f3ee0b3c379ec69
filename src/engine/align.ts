import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { registerPair, type PairModel } from './align-pair.js';
import { compose, IDENTITY, invert, resampleMap } from './geometry.js';
import { gaussianBlur } from './filters.js';
import { blockToPlanes } from './pixels.js';
import type { Progress } from './progress.js';
import type { Affine, FrameSource } from './types.js';

export type AlignmentModel = 'similarity' | 'translation' | 'none';

export interface AlignOptions {
  model: AlignmentModel;
  /** Longest side of the analysis images, in pixels. */
  analysisSize: number;
  /** Index of the frame everything is aligned to. */
  reference: number;
}

export interface Alignment {
  /** Reference-frame full-resolution coordinates -> frame coordinates, per frame. */
  transforms: Affine[];
  /** Per-frame, per-channel multipliers that bring a frame to the reference's brightness and white balance. */
  gains: number[][];
  /** RMS residual of each frame against its neighbour toward the reference (0 for the reference). */
  residuals: number[];
  warnings: (string | undefined)[];
}

/** Neighbour-to-neighbour estimate: maps coordinates of frame `from` to frame `to` (analysis resolution). */
interface PairEstimate {
  from: number;
  to: number;
  warp: Affine;
  /** Per channel: mean of frame i over mean of frame i-1 in their overlap. */
  ratio: number[];
  residual: number;
  converged: boolean;
}

interface AnalysisFrame {
  colour: Plane[];
  /** Gaussian pyramid of luminance, finest first; level l pixel x sits at finest-level 2^l * x. */
  pyramid: Plane[];
}

const MIN_LEVEL_SIDE = 24;

/**
 * Alignment pass. Every frame is read once, downscaled, and aligned to its neighbour (neighbours differ least
 * in focus, so they register most reliably); the chain of neighbour warps is then composed toward the
 * reference frame. A frame that does not register keeps the previous frame as the template for the next
 * one, so one stray frame cannot break the chain for the frames after it. Only two frames' analysis images
 * are held at a time, whatever the stack size.
 */
export async function alignFrames(
  source: FrameSource, k: Kernels, options: AlignOptions, progress: Progress,
): Promise<Alignment> {
  const { width, height, frames } = source.info;
  const n = frames.length;
  const scale = Math.min(1, options.analysisSize / Math.max(width, height));
  const targetWidth = Math.max(8, Math.round(width * scale));
  const arena = k.arena;
  const pairs: PairEstimate[] = [];
  let fullToAnalysis: Affine = IDENTITY;

  await arena.scopedAsync(async () => {
    // Arena layout: [template frame][current frame][scratch]; a registered current frame moves down.
    const base = arena.mark();
    let previous: AnalysisFrame | undefined;
    let template = -1;
    let afterTemplate = base;
    for (let i = 0; i < n; i++) {
      await progress.checkpoint();
      progress.report('aligning', i, n, i, `Aligning ${frames[i]!.name}`);
      const block = await source.read(i, { targetWidth });
      if (i === 0) {
        fullToAnalysis = resampleMap(block.width / width, block.height / height);
      } else if (block.width !== previous!.colour[0]!.width || block.height !== previous!.colour[0]!.height) {
        throw new Error(`${frames[i]!.name}: analysis image size differs from the previous frame`);
      }
      const current = buildAnalysisFrame(k, blockToPlanes(k, block));
      if (previous) {
        const pair = options.model === 'none' ? identityPair(current) : estimatePair(k, previous, current, options.model);
        pairs.push({ ...pair, from: template, to: i });
        if (!pair.converged) {
          arena.release(afterTemplate);
          continue;
        }
      }
      previous = relocate(k, current, base);
      template = i;
      afterTemplate = arena.mark();
    }
  });

  return chain(pairs, options.reference, n, fullToAnalysis, source.info.channels);
}

/**
 * Moves `frame`'s planes to start at `base` (base <= the frame's first plane; copyWithin handles overlap) and
 * releases the arena to just after them, so the pass holds at most two analysis frames.
 */
function relocate(k: Kernels, frame: AnalysisFrame, base: number): AnalysisFrame {
  const arena = k.arena;
  const all = [...frame.colour, ...frame.pyramid];
  const first = all[0]!.ptr;
  const last = all[all.length - 1]!;
  const end = last.ptr + last.width * last.height * 4;
  // Planes were allocated contiguously (16-byte aligned), so one block copy keeps their relative offsets.
  new Uint8Array(arena.memory.buffer).copyWithin(base, first, end);
  arena.release(base);
  arena.alloc(end - first);
  const shift = base - first;
  const move = (p: Plane): Plane => ({ ptr: p.ptr + shift, width: p.width, height: p.height });
  return { colour: frame.colour.map(move), pyramid: frame.pyramid.map(move) };
}

function buildAnalysisFrame(k: Kernels, colour: Plane[]): AnalysisFrame {
  const arena = k.arena;
  const { width: w, height: h } = colour[0]!;
  const lum = arena.plane(w, h);
  if (colour.length === 3) k.luminance(colour[0]!.ptr, colour[1]!.ptr, colour[2]!.ptr, lum.ptr, w * h, 0.299, 0.587, 0.114);
  else k.scaleOffset(colour[0]!.ptr, lum.ptr, w * h, 1, 0);
  // A light blur makes frames with different focus (and noise) look alike to the aligner.
  const tmp = arena.plane(w, h);
  gaussianBlur(k, lum, lum, tmp, 1);
  const pyramid: Plane[] = [lum];
  // tmp is wasted space inside this frame's block; it keeps the layout contiguous for relocate().
  while (Math.min(pyramid[pyramid.length - 1]!.width, pyramid[pyramid.length - 1]!.height) >= 2 * MIN_LEVEL_SIDE) {
    const top = pyramid[pyramid.length - 1]!;
    const next = arena.plane(Math.ceil(top.width / 2), Math.ceil(top.height / 2));
    k.pyrDown(top.ptr, top.width, top.height, next.ptr);
    pyramid.push(next);
  }
  return { colour, pyramid };
}

function identityPair(frame: AnalysisFrame): Omit<PairEstimate, 'from' | 'to'> {
  return { warp: IDENTITY, ratio: frame.colour.map(() => 1), residual: 0, converged: true };
}

/** Registers the current frame to the previous one (see registerPair) and measures their brightness ratio. */
function estimatePair(k: Kernels, prev: AnalysisFrame, cur: AnalysisFrame, model: PairModel): Omit<PairEstimate, 'from' | 'to'> {
  return k.arena.scoped(() => {
    const fit = registerPair(k, prev.pyramid, cur.pyramid, model);
    return { ...fit, ratio: channelRatios(k, prev, cur, fit.warp) };
  });
}

/**
 * Per-channel brightness ratio current/previous over their overlap: the current frame's colour planes are
 * warped into the previous frame's geometry, and means are taken where the warp stays inside the image.
 */
function channelRatios(k: Kernels, prev: AnalysisFrame, cur: AnalysisFrame, warp: Affine): number[] {
  const arena = k.arena;
  return arena.scoped(() => {
    const { width: w, height: h } = prev.colour[0]!;
    const warped = arena.plane(w, h);
    const margin = 2;
    return cur.colour.map((plane, c) => {
      k.warpAffineBilinear(plane.ptr, w, h, warped.ptr, w, h, ...warp);
      const a = arena.f32(warped.ptr, w * h);
      const p = arena.f32(prev.colour[c]!.ptr, w * h);
      let sumA = 0, sumP = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const u = warp[0] * x + warp[1] * y + warp[2];
          const v = warp[3] * x + warp[4] * y + warp[5];
          if (u < margin || v < margin || u > w - 1 - margin || v > h - 1 - margin) continue;
          sumA += a[y * w + x]!;
          sumP += p[y * w + x]!;
        }
      }
      return sumP > 1e-9 && sumA > 1e-9 ? sumA / sumP : 1;
    });
  });
}

/**
 * Composes the pair warps outward from the reference (the pairs form a tree rooted at frame 0, each frame
 * registered against one earlier template) and converts them to full-resolution coordinates. Each frame's
 * residual and warning come from the pair that links it toward the reference.
 */
function chain(pairs: PairEstimate[], reference: number, n: number, fullToAnalysis: Affine, channels: number): Alignment {
  const analysisT: (Affine | undefined)[] = new Array(n).fill(undefined);
  const gains: number[][] = new Array(n);
  const residuals = new Array<number>(n).fill(0);
  const warnings: (string | undefined)[] = new Array(n).fill(undefined);
  analysisT[reference] = IDENTITY;
  gains[reference] = new Array<number>(channels).fill(1);
  const queue = [reference];
  const reach = (frame: number, transform: Affine, gain: number[], p: PairEstimate, other: string) => {
    analysisT[frame] = transform;
    gains[frame] = gain;
    residuals[frame] = p.residual;
    if (!p.converged) warnings[frame] = `alignment did not converge against ${other}`;
    queue.push(frame);
  };
  while (queue.length) {
    const k = queue.shift()!;
    for (const p of pairs) {
      if (p.from === k && !analysisT[p.to]) {
        reach(p.to, compose(p.warp, analysisT[k]!), gains[k]!.map((g, c) => g / p.ratio[c]!), p, 'the frame before it');
      } else if (p.to === k && !analysisT[p.from]) {
        reach(p.from, compose(invert(p.warp), analysisT[k]!), gains[k]!.map((g, c) => g * p.ratio[c]!), p, 'the frame after it');
      }
    }
  }
  const toFull = invert(fullToAnalysis);
  const transforms = analysisT.map((t) => compose(toFull, compose(t!, fullToAnalysis)));
  flagOutliers(residuals, gains, warnings);
  return { transforms, gains, residuals, warnings };
}

/** A frame whose residual is this many times the stack's median does not match its neighbour. */
const RESIDUAL_OUTLIER = 3;
/** Brightness correction beyond this fraction points at an exposure jump rather than flicker. */
const EXPOSURE_JUMP = 0.2;

/**
 * Diagnostics before fusion: frames that match their neighbour far worse than the rest of the stack (a
 * moved subject, a stray frame, a missed focus step) or that needed a large brightness correction are
 * flagged, so the user can leave them out instead of finding artifacts afterwards.
 */
function flagOutliers(residuals: number[], gains: number[][], warnings: (string | undefined)[]): void {
  const sorted = residuals.filter((r) => r > 0).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  residuals.forEach((r, i) => {
    if (warnings[i]) return;
    if (median > 0 && sorted.length >= 3 && r > RESIDUAL_OUTLIER * median) {
      warnings[i] = `matches its neighbour poorly (residual ${(r / median).toFixed(1)}x the stack's median): a moved subject or a stray frame?`;
    } else {
      const mean = gains[i]!.reduce((a, b) => a + b, 0) / gains[i]!.length;
      if (Math.abs(mean - 1) > EXPOSURE_JUMP) warnings[i] = `brightness corrected by ${Math.round((mean - 1) * 100)}%: an exposure jump?`;
    }
  });
}
