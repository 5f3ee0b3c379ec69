import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';

/** Above this sigma a Gaussian is approximated by three box blurs: O(1) per pixel instead of O(sigma). */
const BOX_SIGMA = 6;

/**
 * Gaussian blur of `src` into `dst` (may be the same plane) using `tmp` as scratch (must differ).
 * Small sigmas use exact separable taps (truncated at 3 sigma); large ones three box passes, whose variance
 * matches sigma^2 (Wells 1986, "Efficient synthesis of Gaussian filters by cascaded uniform filters").
 */
export function gaussianBlur(k: Kernels, src: Plane, dst: Plane, tmp: Plane, sigma: number): void {
  const { width: w, height: h } = src;
  if (sigma <= 0) {
    if (dst.ptr !== src.ptr) k.scaleOffset(src.ptr, dst.ptr, w * h, 1, 0);
    return;
  }
  if (sigma > BOX_SIGMA) {
    // Three boxes of radius r have variance 3 * ((2r+1)^2 - 1) / 12.
    const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
    k.boxBlur(src.ptr, dst.ptr, tmp.ptr, w, h, r);
    k.boxBlur(dst.ptr, dst.ptr, tmp.ptr, w, h, r);
    k.boxBlur(dst.ptr, dst.ptr, tmp.ptr, w, h, r);
    return;
  }
  const arena = k.arena;
  arena.scoped(() => {
    const taps = gaussianTaps(sigma);
    const weights = arena.alloc(taps.length * 4);
    arena.f32(weights, taps.length).set(taps);
    k.convolveSeparable(src.ptr, dst.ptr, tmp.ptr, w, h, weights, taps.length - 1);
  });
}

/** Centre-first half kernel of a normalised Gaussian, radius ceil(3 sigma). */
export function gaussianTaps(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float32Array(radius + 1);
  let sum = 0;
  for (let i = 0; i <= radius; i++) {
    taps[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += i === 0 ? taps[i]! : 2 * taps[i]!;
  }
  for (let i = 0; i <= radius; i++) taps[i] /= sum;
  return taps;
}

/** Pixels a Gaussian of this sigma reaches, as used for tile margins. */
export function gaussianReach(sigma: number): number {
  return sigma <= 0 ? 0 : Math.ceil(3 * sigma) * (sigma > BOX_SIGMA ? 2 : 1);
}
