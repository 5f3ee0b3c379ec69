import type { Arena } from '../arena.js';
import type { Kernels } from '../kernels.js';
import { reflect } from './sampling.js';

/** Twin of c/filters.c: separable convolution, box mean, gradients, Laplacian energy (reflect borders). */
export function filterKernels(arena: Arena): Pick<Kernels, 'convolveSeparable' | 'boxBlur' | 'boxMeanRunning' | 'gradient' | 'laplacianEnergy'> {
  const f32 = arena.f32.bind(arena);
  return {
    convolveSeparable(src, dst, tmp, w, h, weights, radius) {
      const taps = f32(weights, radius + 1);
      convolvePass(f32(src, w * h), f32(tmp, w * h), w, h, taps, radius, true);
      convolvePass(f32(tmp, w * h), f32(dst, w * h), w, h, taps, radius, false);
    },
    boxBlur(src, dst, tmp, w, h, radius) {
      boxPass(f32(src, w * h), f32(tmp, w * h), w, h, radius, true);
      boxPass(f32(tmp, w * h), f32(dst, w * h), w, h, radius, false);
    },
    boxMeanRunning(src, dst, tmp, w, h, r) {
      const s = f32(src, w * h), t = f32(tmp, w * h), d = f32(dst, w * h);
      for (let y = 0; y < h; y++) {
        let acc = 0;
        for (let k = -r; k <= r; k++) acc += s[y * w + reflect(k, w)]!;
        t[y * w] = acc;
        for (let x = 1; x < w; x++) {
          acc += s[y * w + reflect(x + r, w)]! - s[y * w + reflect(x - r - 1, w)]!;
          t[y * w + x] = acc;
        }
      }
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = -r; k <= r; k++) sum = Math.fround(sum + t[reflect(k, h) * w + x]!);
        d[x] = sum;
      }
      for (let y = 1; y < h; y++) {
        const inRow = reflect(y + r, h) * w, outRow = reflect(y - r - 1, h) * w;
        for (let x = 0; x < w; x++) d[y * w + x] = d[(y - 1) * w + x]! + Math.fround(t[inRow + x]! - t[outRow + x]!);
      }
      const norm = Math.fround(1 / Math.fround((2 * r + 1) * (2 * r + 1)));
      for (let i = 0; i < w * h; i++) d[i] = d[i]! * norm;
    },
    gradient(src, gx, gy, w, h) {
      const s = f32(src, w * h), X = f32(gx, w * h), Y = f32(gy, w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          X[y * w + x] = (s[y * w + reflect(x + 1, w)]! - s[y * w + reflect(x - 1, w)]!) / 2;
          Y[y * w + x] = (s[reflect(y + 1, h) * w + x]! - s[reflect(y - 1, h) * w + x]!) / 2;
        }
      }
    },
    laplacianEnergy(src, dst, w, h) {
      const s = f32(src, w * h), d = f32(dst, w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const c = s[y * w + x]!;
          const l = s[y * w + reflect(x - 1, w)]! + s[y * w + reflect(x + 1, w)]! + s[reflect(y - 1, h) * w + x]! + s[reflect(y + 1, h) * w + x]! - 4 * c;
          d[y * w + x] = l * l;
        }
      }
    },
  };
}

/** 1-D pass along rows (horizontal) or columns, weights centre-first, reflect borders. */
function convolvePass(src: Float32Array, dst: Float32Array, w: number, h: number, weights: Float32Array, radius: number, horizontal: boolean): void {
  const n = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const line = new Float32Array(n);
  for (let l = 0; l < lines; l++) {
    const at = (i: number) => (horizontal ? l * w + i : i * w + l);
    for (let i = 0; i < n; i++) line[i] = src[at(i)]!;
    for (let i = 0; i < n; i++) {
      let acc = weights[0]! * line[i]!;
      for (let k = 1; k <= radius; k++) acc += weights[k]! * (line[reflect(i - k, n)]! + line[reflect(i + k, n)]!);
      dst[at(i)] = acc;
    }
  }
}

/** Direct sum of the 2r+1 taps, offset -r first (the C kernel's order), then the mean. */
function boxPass(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, horizontal: boolean): void {
  const n = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const line = new Float32Array(n);
  const norm = Math.fround(1 / (2 * r + 1));
  for (let l = 0; l < lines; l++) {
    const at = (i: number) => (horizontal ? l * w + i : i * w + l);
    for (let i = 0; i < n; i++) line[i] = src[at(i)]!;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += line[reflect(i + k, n)]!;
      dst[at(i)] = sum * norm;
    }
  }
}
