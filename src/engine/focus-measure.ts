import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { gaussianBlur, gaussianReach } from './filters.js';

export interface FocusMeasureOptions {
  /** Pre-blur of luminance before the Laplacian, so sensor noise does not read as detail (noise control). */
  noiseSigma: number;
  /** Window over which Laplacian energy is averaged: larger is steadier, smaller follows finer depth steps. */
  windowSigma: number;
}

/** Luminance weights (Rec. 601): the focus measure and the pyramid's selection both look at luminance. */
export const LUMA = [0.299, 0.587, 0.114] as const;

export function luminanceOf(k: Kernels, planes: Plane[], dst: Plane): void {
  const n = dst.width * dst.height;
  if (planes.length === 3) k.luminance(planes[0]!.ptr, planes[1]!.ptr, planes[2]!.ptr, dst.ptr, n, LUMA[0], LUMA[1], LUMA[2]);
  else k.scaleOffset(planes[0]!.ptr, dst.ptr, n, 1, 0);
}

/**
 * Sharpness per pixel: locally averaged squared Laplacian of (slightly denoised) luminance. The squared
 * Laplacian responds to fine detail, which defocus removes first; averaging turns it into a regional
 * measure that is stable on edges and texture alike.
 */
export function focusMeasure(k: Kernels, lum: Plane, out: Plane, tmp: Plane, options: FocusMeasureOptions): void {
  k.arena.scoped(() => {
    const pre = k.arena.plane(lum.width, lum.height);
    gaussianBlur(k, lum, pre, tmp, options.noiseSigma);
    k.laplacianEnergy(pre.ptr, out.ptr, lum.width, lum.height);
  });
  gaussianBlur(k, out, out, tmp, options.windowSigma);
}

export function focusMeasureReach(options: FocusMeasureOptions): number {
  return gaussianReach(options.noiseSigma) + 1 + gaussianReach(options.windowSigma);
}
