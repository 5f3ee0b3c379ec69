import type { Arena, Ptr } from './arena.js';

/**
 * The typed facade over the hot kernels. Every argument is a number: pointers are byte offsets into the
 * arena's linear memory, planes are float32 row-major with stride = width. The WebAssembly build exports
 * exactly these functions (snake_case names in C, listed in KERNEL_EXPORTS); the TypeScript reference twin
 * implements the same contract on the same memory, so tests can compare the two and the engine can fall
 * back to TypeScript without changing a line.
 *
 * Conventions shared by all kernels:
 * - pixel centres are at integer coordinates; (0,0) is the centre of the top-left pixel;
 * - "reflect" borders mirror without repeating the edge pixel: index -1 -> 1, w -> w-2 (for w = 1: always 0);
 * - no kernel allocates; scratch planes are passed in.
 */
export interface Kernels {
  readonly kind: KernelKind;
  readonly arena: Arena;

  /** dst[i] = src[i*components + component] * scale, src as uint8, for i < pixels. */
  deinterleaveU8(src: Ptr, pixels: number, components: number, component: number, dst: Ptr, scale: number): void;
  /** As deinterleaveU8 with src as uint16 (2-byte aligned). */
  deinterleaveU16(src: Ptr, pixels: number, components: number, component: number, dst: Ptr, scale: number): void;
  /**
   * dst[i*components + component] = clamp(floor(src[i] * scale + 0.5), 0, maxValue) as uint8; NaN -> 0.
   * Other components of dst are left untouched.
   */
  interleaveU8(src: Ptr, pixels: number, components: number, component: number, dst: Ptr, scale: number, maxValue: number): void;
  /** As interleaveU8 with dst as uint16. */
  interleaveU16(src: Ptr, pixels: number, components: number, component: number, dst: Ptr, scale: number, maxValue: number): void;

  /**
   * Affine warp with Catmull-Rom bicubic (Keys a = -0.5) interpolation, clamp-to-edge sampling, of `channels`
   * planes at once: source plane c starts srcPlane floats after plane c-1 (likewise dstPlane for the
   * destination), and every channel shares each sample's coordinates and weights. The dw x dh destination's
   * top-left pixel sits at (dx, dy), the sw x sh source's at (sx, sy) (integers): dst(x, y) = src(u - sx,
   * v - sy) with u = m00*(x+dx) + (m01*(y+dy) + m02), v likewise, evaluated in double precision in exactly
   * that order, so a pixel's sample does not depend on which tile computes it.
   */
  warpAffineBicubic(src: Ptr, sw: number, sh: number, srcPlane: number, dst: Ptr, dw: number, dh: number, dstPlane: number, channels: number,
    m00: number, m01: number, m02: number, m10: number, m11: number, m12: number,
    dx: number, dy: number, sx: number, sy: number): void;
  /** As warpAffineBicubic with bilinear interpolation (used by alignment, where speed beats sharpness). */
  warpAffineBilinear(src: Ptr, sw: number, sh: number, dst: Ptr, dw: number, dh: number,
    m00: number, m01: number, m02: number, m10: number, m11: number, m12: number): void;

  /**
   * Separable symmetric convolution with reflect borders. `weights` holds radius+1 float32 taps,
   * weights[0] for the centre, weights[k] for offsets ±k. Horizontal pass src -> tmp, vertical tmp -> dst.
   * dst may equal src; tmp must differ from both.
   */
  convolveSeparable(src: Ptr, dst: Ptr, tmp: Ptr, w: number, h: number, weights: Ptr, radius: number): void;
  /**
   * Box mean of (2r+1)x(2r+1) with reflect borders (r may exceed the plane: reflection repeats), separable:
   * each pass sums the 2r+1 taps directly, offset -r first, and scales by 1/(2r+1), so a pixel's value does not
   * depend on where the plane starts. O(r) per pixel. dst may equal src; tmp must differ from both.
   */
  boxBlur(src: Ptr, dst: Ptr, tmp: Ptr, w: number, h: number, radius: number): void;
  /**
   * The box mean of boxBlur by running sums: O(1) per pixel whatever the radius, equal up to float rounding, but
   * the rounding depends on where the plane starts, so for whole planes only (alignment), never tiles. dst may
   * equal src; tmp must differ from both.
   */
  boxMeanRunning(src: Ptr, dst: Ptr, tmp: Ptr, w: number, h: number, radius: number): void;

  /** dst = wr*r + wg*g + wb*b over n pixels. */
  luminance(r: Ptr, g: Ptr, b: Ptr, dst: Ptr, n: number, wr: number, wg: number, wb: number): void;
  /** Central-difference gradients with reflect borders: gx = (s[x+1]-s[x-1])/2, gy likewise. */
  gradient(src: Ptr, gx: Ptr, gy: Ptr, w: number, h: number): void;
  /** dst = (4-neighbour Laplacian of src)^2, reflect borders. dst must differ from src. */
  laplacianEnergy(src: Ptr, dst: Ptr, w: number, h: number): void;
  /** dst[i] = |src[i]|; dst may equal src. */
  absolute(src: Ptr, dst: Ptr, n: number): void;
  /** dst[i] += weight * src[i]. */
  addScaled(dst: Ptr, src: Ptr, n: number, weight: number): void;
  /** dst[i] = src[i] * scale + offset; dst may equal src. */
  scaleOffset(src: Ptr, dst: Ptr, n: number, scale: number, offset: number): void;
  /** dst[i] = den[i] > eps ? num[i] / den[i] : fallback. */
  divideSafe(num: Ptr, den: Ptr, dst: Ptr, n: number, eps: number, fallback: number): void;

  /** Where score[i] > bestScore[i]: bestScore[i] = score[i], bestIndex[i] = index (float32 planes). */
  argmaxUpdate(score: Ptr, bestScore: Ptr, bestIndex: Ptr, n: number, index: number): void;
  /**
   * Soft-vote numerator for frame selection: dst[i] = weight[i] if (strict ? bestIndex[i] == index
   * : bestIndex[i] <= index) else 0. bestIndex holds integral frame numbers as float32.
   */
  indexVote(bestIndex: Ptr, weight: Ptr, dst: Ptr, n: number, index: number, cumulative: number): void;

  /**
   * Gaussian pyramid reduce: blur with [1 4 6 4 1]/16 in both directions (reflect borders) and keep even
   * pixels. dst is ceil(w/2) x ceil(h/2).
   */
  pyrDown(src: Ptr, w: number, h: number, dst: Ptr): void;
  /**
   * Pyramid expand and accumulate: dst (w x h) += sign * expand(src), where src is ceil(w/2) x ceil(h/2) and
   * expand(src)(x, y) = sum over even-zero-stuffed upsampling of src filtered by 2*[1 4 6 4 1]/16 per axis
   * (reflect borders in the zero-stuffed w x h grid). sign is +1 (collapse) or -1 (build a Laplacian level).
   */
  pyrUpAdd(src: Ptr, w: number, h: number, dst: Ptr, sign: number): void;
  /**
   * Max-abs selection for pyramid fusion over n coefficients and `channels` (1..3) colour planes:
   * where score[i] > best[i]: best[i] = score[i] and fusedK[i] = srcK[i] for K < channels.
   */
  pyramidSelect(score: Ptr, best: Ptr, n: number, channels: number,
    src0: Ptr, dst0: Ptr, src1: Ptr, dst1: Ptr, src2: Ptr, dst2: Ptr): void;

  /** dst[i] = min(dst[i], src[i]): a running minimum over frames. */
  minUpdate(dst: Ptr, src: Ptr, n: number): void;
  /**
   * dst[i] = smoothstep(t), t = (num[i]*scale/den[i] - lo) / (hi - lo) clamped to 0..1, smoothstep(t) = t^2 (3 - 2t):
   * 0 below lo, 1 above hi, smooth between.
   */
  smoothStepRatio(num: Ptr, den: Ptr, dst: Ptr, n: number, scale: number, lo: number, hi: number): void;
  /**
   * Pass 1 of the balanced focus weighting (FocusSelection), per pixel with s = score + floor: where s > bestScore,
   * bestScore = s and bestIndex = index; scoreSum += s; and with r = s / bestScore (after the update)
   * powerSum = sum of r^4 and indexSum = sum of index * r^4 over the frames so far, both rescaled by
   * (old best / new best)^4 when the best grows (a first frame finds bestScore <= 0 and starts them at 1 and index).
   */
  balanceUpdate(score: Ptr, bestScore: Ptr, bestIndex: Ptr, scoreSum: Ptr, powerSum: Ptr, indexSum: Ptr, n: number, index: number, floor: number): void;
  /**
   * Pass 2 of the balanced weighting: dst = (1 - flat) * [bestIndex == index] + flat * r^4 / powerSum with
   * r = min(1, (score + floor) / bestScore).
   */
  balanceWeight(score: Ptr, bestScore: Ptr, bestIndex: Ptr, flat: Ptr, powerSum: Ptr, dst: Ptr, n: number, index: number, floor: number): void;
  /**
   * The hybrid's detail shrinkage (soft thresholding) over n coefficients: gain = max(0, 1 - kappa * floor /
   * salience) (0 where salience <= 0), and detail planes d0..d(channels-1) are multiplied by it in place.
   */
  shrinkDetail(salience: Ptr, floor: Ptr, n: number, kappa: number, channels: number, d0: Ptr, d1: Ptr, d2: Ptr): void;

  /** Photoshop "normal" blending through a layer mask: dst = mask*src + (1-mask)*dst. */
  blendNormal(dst: Ptr, src: Ptr, mask: Ptr, n: number): void;

  /**
   * One Gauss-Newton step's normal equations for aligning image I to template T (both w x h) under a
   * similarity warp with photometric gain and bias, with Cauchy weights and optional per-pixel prior weights
   * (a w x h plane, or 0 for none). params (float64 x 9): cx, cy, a, b, tx, ty, alpha, beta, robust. For template pixel (x, y) on a grid of `step` pixels, with u = x-cx, v = y-cy:
   *   x' = (1+a)u - b v + cx + tx,  y' = b u + (1+a) v + cy + ty,
   *   r = I(x', y') - alpha*T(x, y) - beta,  weight = (robust > 0 ? 1 / (1 + r^2/robust) : 1) * prior(x, y),
   *   J = [Ix*u + Iy*v, -Ix*v + Iy*u, Ix, Iy, -T, -1] with I, Ix, Iy sampled bilinearly at (x', y').
   * Only pixels with 0 <= x' <= w-1 and 0 <= y' <= h-1 count. out (float64 x 31): the 21 upper-triangle
   * entries of sum weight J J^T row by row, the 6 of sum weight J r, sum weight r^2, the pixel count, the sum
   * of weights, and the unweighted sum r^2.
   */
  lkAccumulate(T: Ptr, I: Ptr, Ix: Ptr, Iy: Ptr, prior: Ptr, w: number, h: number, step: number, params: Ptr, out: Ptr): void;
}

export type KernelKind = 'wasm-simd' | 'wasm-scalar' | 'typescript';

/** C export names, in the order of the Kernels methods above. */
export const KERNEL_EXPORTS = {
  deinterleaveU8: 'deinterleave_u8',
  deinterleaveU16: 'deinterleave_u16',
  interleaveU8: 'interleave_u8',
  interleaveU16: 'interleave_u16',
  warpAffineBicubic: 'warp_affine_bicubic',
  warpAffineBilinear: 'warp_affine_bilinear',
  convolveSeparable: 'convolve_separable',
  boxBlur: 'box_blur',
  boxMeanRunning: 'box_mean_running',
  luminance: 'luminance',
  gradient: 'gradient',
  laplacianEnergy: 'laplacian_energy',
  absolute: 'absolute',
  addScaled: 'add_scaled',
  scaleOffset: 'scale_offset',
  divideSafe: 'divide_safe',
  argmaxUpdate: 'argmax_update',
  indexVote: 'index_vote',
  pyrDown: 'pyr_down',
  pyrUpAdd: 'pyr_up_add',
  pyramidSelect: 'pyramid_select',
  minUpdate: 'min_update',
  smoothStepRatio: 'smooth_step_ratio',
  balanceUpdate: 'balance_update',
  balanceWeight: 'balance_weight',
  shrinkDetail: 'shrink_detail',
  blendNormal: 'blend_normal',
  lkAccumulate: 'lk_accumulate',
} as const satisfies Record<Exclude<keyof Kernels, 'kind' | 'arena'>, string>;
