/**
 * Gaussian blur for the generator: three passes of an "extended box" (a box of radius r plus end taps of
 * weight a < 1), whose variance is continuous in sigma, so the defocus of consecutive frames differs by the
 * small step the optics say rather than jumping between integer box sizes. Edges clamp. O(1) per pixel.
 * (Extended box filter: Gwosdek, Grewenig, Bruhn, Weickert, "Theoretical foundations of Gaussian convolution
 * by extended box filtering", SSVM 2011.)
 */
export function gaussianBlurPlane(src: Float32Array, w: number, h: number, sigma: number, out: Float32Array, scratch: Float32Array): Float32Array {
  if (sigma < 0.05) {
    out.set(src);
    return out;
  }
  if (sigma >= HALF_RESOLUTION_SIGMA && w >= 8 && h >= 8) return blurAtHalfResolution(src, w, h, sigma, out, scratch);
  boxPasses(src, w, h, sigma, out, scratch);
  return out;
}

/** Above this sigma a blur runs at half resolution: the content left has no detail a half-size grid loses. */
const HALF_RESOLUTION_SIGMA = 2.5;
/** Variance (px², per axis) that the 2×2 mean and the bilinear upsampling add, taken off the half-size blur. */
const RESAMPLING_VARIANCE = 0.25 + 4 / 6;

/**
 * One box pass at full size (a third of the variance: it removes the detail a half-size grid would alias),
 * 2×2 mean, the rest of the variance at half size, bilinear back up (pixel centres kept aligned).
 */
function blurAtHalfResolution(src: Float32Array, w: number, h: number, sigma: number, out: Float32Array, scratch: Float32Array): Float32Array {
  const first = extendedBox(sigma * sigma / 3);
  horizontal(src, scratch, w, h, first.r, first.a);
  vertical(scratch, out, w, h, first.r, first.a);
  src = out;
  const hw = Math.ceil(w / 2), hh = Math.ceil(h / 2);
  const half = new Float32Array(hw * hh), blurred = new Float32Array(hw * hh), small = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    const y0 = 2 * y, y1 = Math.min(h - 1, y0 + 1);
    for (let x = 0; x < hw; x++) {
      const x0 = 2 * x, x1 = Math.min(w - 1, x0 + 1);
      half[y * hw + x] = 0.25 * (src[y0 * w + x0]! + src[y0 * w + x1]! + src[y1 * w + x0]! + src[y1 * w + x1]!);
    }
  }
  boxPasses(half, hw, hh, Math.sqrt((2 / 3) * sigma * sigma - RESAMPLING_VARIANCE) / 2, blurred, small, 2);
  // Full-size pixel x sits at half-size coordinate (x - 0.5) / 2.
  for (let y = 0; y < h; y++) {
    const fy = Math.min(hh - 1, Math.max(0, (y - 0.5) / 2)), y0 = Math.min(hh - 2, Math.floor(fy)), ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(hw - 1, Math.max(0, (x - 0.5) / 2)), x0 = Math.min(hw - 2, Math.floor(fx)), tx = fx - x0;
      const i = y0 * hw + x0;
      const top = blurred[i]! + (blurred[i + 1]! - blurred[i]!) * tx;
      const bottom = blurred[i + hw]! + (blurred[i + hw + 1]! - blurred[i + hw]!) * tx;
      out[y * w + x] = top + (bottom - top) * ty;
    }
  }
  return out;
}

/** `passes` extended-box passes (each a horizontal and a vertical one) sharing the variance sigma². */
function boxPasses(src: Float32Array, w: number, h: number, sigma: number, out: Float32Array, scratch: Float32Array, passes = 3): void {
  const { r, a } = extendedBox(sigma * sigma / passes);
  for (let p = 0; p < passes; p++) {
    horizontal(p === 0 ? src : out, scratch, w, h, r, a);
    vertical(scratch, out, w, h, r, a);
  }
}

/** Radius and end-tap weight of the extended box with the given variance. */
export function extendedBox(variance: number): { r: number; a: number } {
  // A box of radius r has variance r(r+1)/3.
  const r = Math.floor((Math.sqrt(1 + 12 * variance) - 1) / 2);
  const n = 2 * r + 1;
  const a = (variance * n - (r * (r + 1) * n) / 3) / (2 * (r + 1) ** 2 - 2 * variance);
  return { r, a };
}

function horizontal(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, a: number): void {
  const pad = r + 1;
  const line = new Float32Array(w + 2 * pad);
  const norm = 1 / (2 * r + 1 + 2 * a);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    line.set(src.subarray(row, row + w), pad);
    const first = src[row]!, last = src[row + w - 1]!;
    for (let i = 0; i < pad; i++) {
      line[i] = first;
      line[pad + w + i] = last;
    }
    let sum = 0;
    for (let i = 1; i < 2 * r + 2; i++) sum += line[i]!;
    for (let x = 0; x < w; x++) {
      // Window centre x + pad: box over [x+1, x+2r+1], end taps at x and x+2r+2.
      dst[row + x] = (sum + a * (line[x]! + line[x + 2 * r + 2]!)) * norm;
      if (x + 1 < w) sum += line[x + 2 * r + 2]! - line[x + 1]!;
    }
  }
}

function vertical(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, a: number): void {
  const norm = 1 / (2 * r + 1 + 2 * a);
  const sum = new Float64Array(w);
  const row = (y: number) => (y < 0 ? 0 : y >= h ? h - 1 : y) * w;
  for (let j = -r; j <= r; j++) {
    const o = row(j);
    for (let x = 0; x < w; x++) sum[x] += src[o + x]!;
  }
  for (let y = 0; y < h; y++) {
    const before = row(y - r - 1), after = row(y + r + 1), leaving = row(y - r), out = y * w;
    for (let x = 0; x < w; x++) {
      const s = sum[x]!;
      dst[out + x] = (s + a * (src[before + x]! + src[after + x]!)) * norm;
      sum[x] = s + src[after + x]! - src[leaving + x]!;
    }
  }
}
