/**
 * Quality figures against a synthetic stack's ground truth, shared by the tests and the bench. Images are
 * chunky (interleaved) float arrays in 0..1, cut to the output's crop. Definitions follow issue #11's
 * independent benchmark: PSNR on 8-bit values, PSNR after a global affine intensity fit, mean absolute
 * error (8-bit units) in a band around depth discontinuities, noise in flat areas relative to one frame,
 * and alignment error as the worst distance over the crop's corners and centre.
 */
import type { Affine } from './generator.js';

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A chunky image (reference geometry) cut to a rectangle, e.g. the ground truth to an output's crop. */
export function cropChunky(image: Float32Array, width: number, channels: number, crop: Region): Float32Array {
  const out = new Float32Array(crop.width * crop.height * channels);
  for (let y = 0; y < crop.height; y++) {
    const start = ((crop.top + y) * width + crop.left) * channels;
    out.set(image.subarray(start, start + crop.width * channels), y * crop.width * channels);
  }
  return out;
}

/** Peak signal-to-noise ratio (peak 1) of chunky images, optionally over a region. */
export function psnr(a: Float32Array, b: Float32Array, channels: number, width: number, region?: Region): number {
  const height = a.length / channels / width;
  const r = region ?? { left: 0, top: 0, width, height };
  let sum = 0, count = 0;
  for (let y = r.top; y < r.top + r.height; y++) {
    for (let x = r.left; x < r.left + r.width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        sum += (a[i]! - b[i]!) ** 2;
        count++;
      }
    }
  }
  return 10 * Math.log10(1 / Math.max(1e-12, sum / count));
}

const to8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);

/** PSNR of two images after rounding both to 8 bits (peak 255). */
export function psnr8(result: Float32Array, truth: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (to8(result[i]!) - to8(truth[i]!)) ** 2;
  return 10 * Math.log10((255 * 255) / Math.max(1e-12, sum / truth.length));
}

/**
 * 8-bit PSNR after the global affine intensity map truth ≈ gain·result + offset that fits best (least
 * squares over all samples): how much of the error is a tone change rather than lost or invented detail.
 */
export function fittedPsnr8(result: Float32Array, truth: Float32Array): { psnr: number; gain: number; offset: number } {
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  const n = truth.length;
  for (let i = 0; i < n; i++) {
    const x = result[i]!, y = truth[i]!;
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  const gain = (n * sxy - sx * sy) / Math.max(1e-12, n * sxx - sx * sx);
  const offset = (sy - gain * sx) / n;
  const fitted = result.map((v) => gain * v + offset);
  return { psnr: psnr8(fitted, truth), gain, offset };
}

/** Pixels within `radius` of a depth discontinuity of the truth's depth map (1 = in the band). */
export function haloBand(depth: Float32Array, width: number, height: number, radius: number): Uint8Array {
  const edge = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = depth[y * width + x]!;
      if ((x + 1 < width && depth[y * width + x + 1] !== d) || (y + 1 < height && depth[(y + 1) * width + x] !== d)) edge[y * width + x] = 1;
    }
  }
  return dilate(edge, width, height, radius);
}

/** Mean absolute error in 8-bit units over the band's pixels (all channels). */
export function bandError(result: Float32Array, truth: Float32Array, channels: number, band: Uint8Array): number {
  let sum = 0, count = 0;
  band.forEach((inBand, p) => {
    if (!inBand) return;
    for (let c = 0; c < channels; c++) sum += Math.abs(to8(result[p * channels + c]!) - to8(truth[p * channels + c]!));
    count += channels;
  });
  return count ? sum / count : NaN;
}

/**
 * Flat areas of the truth: pixels at least 3 px from any place where neighbouring truth pixels differ by more
 * than `tolerance` (0..1 units, any channel) and outside `exclude` (the halo band).
 */
export function flatMask(truth: Float32Array, width: number, height: number, channels: number, exclude: Uint8Array, tolerance = 1 / 255): Uint8Array {
  const rough = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      for (let c = 0; c < channels && !rough[p]; c++) {
        const v = truth[p * channels + c]!;
        const right = x + 1 < width ? truth[(p + 1) * channels + c]! : v, below = y + 1 < height ? truth[(p + width) * channels + c]! : v;
        if (Math.abs(right - v) > tolerance || Math.abs(below - v) > tolerance) rough[p] = 1;
      }
    }
  }
  const near = dilate(rough, width, height, 3);
  const flat = new Uint8Array(width * height);
  for (let p = 0; p < flat.length; p++) flat[p] = near[p] || exclude[p] ? 0 : 1;
  return flat;
}

/** Standard deviation of (image − truth) over the mask's pixels, all channels pooled (0..1 units). */
export function errorStd(image: Float32Array, truth: Float32Array, channels: number, mask: Uint8Array): number {
  let s = 0, ss = 0, n = 0;
  mask.forEach((m, p) => {
    if (!m) return;
    for (let c = 0; c < channels; c++) {
      const e = image[p * channels + c]! - truth[p * channels + c]!;
      s += e; ss += e * e; n++;
    }
  });
  return n > 1 ? Math.sqrt(Math.max(0, ss / n - (s / n) ** 2)) : NaN;
}

/** Worst distance (pixels) between where two transforms send the crop's four corners and its centre. */
export function alignmentError(estimated: Affine, truth: Affine, crop: Region): number {
  const r = crop.left + crop.width - 1, b = crop.top + crop.height - 1;
  let worst = 0;
  for (const [x, y] of [[crop.left, crop.top], [r, crop.top], [crop.left, b], [r, b], [(crop.left + r) / 2, (crop.top + b) / 2]] as const) {
    const dx = estimated[0] * x + estimated[1] * y + estimated[2] - (truth[0] * x + truth[1] * y + truth[2]);
    const dy = estimated[3] * x + estimated[4] * y + estimated[5] - (truth[3] * x + truth[4] * y + truth[5]);
    worst = Math.max(worst, Math.hypot(dx, dy));
  }
  return worst;
}

/** Mean and worst of the per-frame alignment errors (the reference frame counts, at its error). */
export function alignmentSummary(estimated: Affine[], truth: Affine[], crop: Region): { mean: number; max: number; perFrame: number[] } {
  const perFrame = estimated.map((m, i) => alignmentError(m, truth[i]!, crop));
  return { mean: perFrame.reduce((a, b) => a + b, 0) / perFrame.length, max: Math.max(...perFrame), perFrame };
}

/** Square dilation by `radius` pixels (separable: a forward and a backward sweep per row, then per column). */
function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const sweep = (src: Uint8Array, dst: Uint8Array, lines: number, length: number, at: (line: number, i: number) => number) => {
    for (let l = 0; l < lines; l++) {
      let last = -Infinity;
      for (let i = 0; i < length; i++) {
        if (src[at(l, i)]) last = i;
        if (i - last <= radius) dst[at(l, i)] = 1;
      }
      let next = Infinity;
      for (let i = length - 1; i >= 0; i--) {
        if (src[at(l, i)]) next = i;
        if (next - i <= radius) dst[at(l, i)] = 1;
      }
    }
  };
  const rows = new Uint8Array(mask.length), out = new Uint8Array(mask.length);
  sweep(mask, rows, height, width, (y, x) => y * width + x);
  sweep(rows, out, width, height, (x, y) => y * width + x);
  return out;
}
