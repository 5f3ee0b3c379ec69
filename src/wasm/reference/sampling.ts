/** Border rules and interpolation shared by the reference kernels (the C side has its own copies in each file). */

/** Reflect without repeating the edge: -1 -> 1, n -> n-2; repeats for indices far outside. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

export const clampIndex = (i: number, n: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);

/** Bilinear sample of a w x h plane at (x, y), clamp-to-edge. */
export function sampleBilinear(s: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const xa = clampIndex(x0, w), xb = clampIndex(x0 + 1, w);
  const ya = clampIndex(y0, h), yb = clampIndex(y0 + 1, h);
  const top = s[ya * w + xa]! * (1 - fx) + s[ya * w + xb]! * fx;
  const bottom = s[yb * w + xa]! * (1 - fx) + s[yb * w + xb]! * fx;
  return top * (1 - fy) + bottom * fy;
}
