import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { registerPair, type PairFit, type PairModel } from './align-pair.js';
import { gaussianBlur } from './filters.js';
import { IDENTITY } from './geometry.js';
import type { Affine } from './types.js';

/** A frame as alignment sees it: a luminance pyramid and small colour planes, in the arena. */
export interface AnalysisFrame {
  /** Colour at pyramid level COLOUR_LEVEL: enough for the brightness ratios. */
  colour: Plane[];
  /** Gaussian pyramid of luminance, finest first; level l pixel x sits at finest-level 2^l * x. */
  pyramid: Plane[];
}

/** An AnalysisFrame as plain data, so a worker thread can receive it. */
export interface AnalysisImage {
  /** Index of the frame in the stack. */
  frame: number;
  colour: PlaneData[];
  pyramid: PlaneData[];
}

interface PlaneData {
  width: number;
  height: number;
  data: Float32Array;
}

/** One frame registered to an earlier one (its template): warp is template -> frame, at analysis resolution. */
export interface LinkFit extends PairFit {
  /** Per channel: mean of the frame over mean of its template in their overlap. */
  ratio: number[];
}

const MIN_LEVEL_SIDE = 24;
/**
 * Pyramid level of the colour planes kept for the brightness ratios (means over ~50 000 pixels at the default
 * analysis size): a sixteenth of the analysis image, so a frame in memory is mostly its luminance pyramid.
 */
const COLOUR_LEVEL = 2;

/**
 * Moves `frame`'s planes to start at `base` (base <= the frame's first plane; copyWithin handles overlap) and
 * releases the arena to just after them, so the pass holds at most two analysis frames.
 */
export function relocate(k: Kernels, frame: AnalysisFrame, base: number): AnalysisFrame {
  const arena = k.arena;
  const all = [...frame.colour, ...frame.pyramid];
  const first = Math.min(...all.map((p) => p.ptr));
  const end = Math.max(...all.map((p) => p.ptr + p.width * p.height * 4));
  // Planes were allocated contiguously (16-byte aligned), so one block copy keeps their relative offsets.
  new Uint8Array(arena.memory.buffer).copyWithin(base, first, end);
  arena.release(base);
  arena.alloc(end - first);
  const shift = base - first;
  const move = (p: Plane): Plane => ({ ptr: p.ptr + shift, width: p.width, height: p.height });
  return { colour: frame.colour.map(move), pyramid: frame.pyramid.map(move) };
}

/** Builds a frame's analysis planes from its downscaled colour planes, which are left unused in the arena. */
export function buildAnalysisFrame(k: Kernels, colour: Plane[]): AnalysisFrame {
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
  const small = colour.map((plane) => {
    let level = plane;
    for (let l = 0; l < COLOUR_LEVEL; l++) {
      // Halves first into tmp, the last step into the plane kept.
      const next = l + 1 < COLOUR_LEVEL ? { ptr: tmp.ptr, width: Math.ceil(level.width / 2), height: Math.ceil(level.height / 2) } : arena.plane(Math.ceil(level.width / 2), Math.ceil(level.height / 2));
      k.pyrDown(level.ptr, level.width, level.height, next.ptr);
      level = next;
    }
    return level;
  });
  return { colour: small, pyramid };
}

export function identityLink(frame: AnalysisFrame): LinkFit {
  return { warp: IDENTITY, ratio: frame.colour.map(() => 1), residual: 0, converged: true };
}

/** Registers the current frame to the previous one (see registerPair) and measures their brightness ratio. */
export function estimateLink(k: Kernels, prev: AnalysisFrame, cur: AnalysisFrame, model: PairModel): LinkFit {
  return k.arena.scoped(() => {
    const fit = registerPair(k, prev.pyramid, cur.pyramid, model);
    return { ...fit, ratio: channelRatios(k, prev.colour, cur.colour, fit.warp) };
  });
}

/**
 * Per-channel brightness ratio current/previous over their overlap: the current frame's colour planes (at
 * COLOUR_LEVEL) are warped into the previous frame's geometry, and means are taken where the warp stays inside the image.
 */
function channelRatios(k: Kernels, prev: Plane[], cur: Plane[], warp: Affine): number[] {
  const arena = k.arena;
  // The warp is in level-0 pixels; at COLOUR_LEVEL only its shift scales.
  const s = 2 ** COLOUR_LEVEL;
  warp = [warp[0], warp[1], warp[2] / s, warp[3], warp[4], warp[5] / s];
  return arena.scoped(() => {
    const { width: w, height: h } = prev[0]!;
    const warped = arena.plane(w, h);
    const margin = 1;
    return cur.map((plane, c) => {
      k.warpAffineBilinear(plane.ptr, w, h, warped.ptr, w, h, ...warp);
      const a = arena.f32(warped.ptr, w * h);
      const p = arena.f32(prev[c]!.ptr, w * h);
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

/** Copies an arena-resident frame out as plain data. */
export function toAnalysisImage(k: Kernels, frame: AnalysisFrame, index: number): AnalysisImage {
  const out = (p: Plane): PlaneData => ({ width: p.width, height: p.height, data: k.arena.planeData(p).slice() });
  return { frame: index, colour: frame.colour.map(out), pyramid: frame.pyramid.map(out) };
}

/** What registration needs of a frame: its luminance pyramid, as plain data. */
export type PyramidImage = Pick<AnalysisImage, 'frame' | 'pyramid'>;

/** registerPair on plain data (a worker's side of a link): both pyramids are copied into the arena for the call. */
export function registerImages(k: Kernels, template: PyramidImage, image: PyramidImage, model: PairModel): PairFit {
  return k.arena.scoped(() => registerPair(k, template.pyramid.map((p) => load(k, p)), image.pyramid.map((p) => load(k, p)), model));
}

/** A link registered elsewhere, completed here with the frames' brightness ratio (as estimateLink measures it). */
export function completeLink(k: Kernels, template: AnalysisImage, image: AnalysisImage, fit: PairFit): LinkFit {
  return k.arena.scoped(() => {
    const colour = (f: AnalysisImage) => f.colour.map((p) => load(k, p));
    return { ...fit, ratio: channelRatios(k, colour(template), colour(image), fit.warp) };
  });
}

function load(k: Kernels, p: PlaneData): Plane {
  const plane = k.arena.plane(p.width, p.height);
  k.arena.planeData(plane).set(p.data);
  return plane;
}
