import type { Arena, Ptr } from '../arena.js';
import type { Kernels } from '../kernels.js';

/**
 * The TypeScript twins of the C kernels: the executable specification (tests compare the wasm builds
 * against these) and the fallback when WebAssembly cannot load. They work on the same arena memory through
 * fresh typed-array views, with the exact semantics documented on the Kernels interface.
 */
export function createReferenceKernels(arena: Arena): Kernels {
  const f32 = (p: Ptr, n: number) => arena.f32(p, n);

  /** Reflect without repeating the edge: -1 -> 1, n -> n-2; repeats for indices far outside. */
  const reflect = (i: number, n: number): number => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    let m = i % period;
    if (m < 0) m += period;
    return m < n ? m : period - m;
  };

  const clampIndex = (i: number, n: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);

  function sampleBilinear(s: Float32Array, w: number, h: number, x: number, y: number): number {
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const fx = x - x0, fy = y - y0;
    const xa = clampIndex(x0, w), xb = clampIndex(x0 + 1, w);
    const ya = clampIndex(y0, h), yb = clampIndex(y0 + 1, h);
    const top = s[ya * w + xa]! * (1 - fx) + s[ya * w + xb]! * fx;
    const bottom = s[yb * w + xa]! * (1 - fx) + s[yb * w + xb]! * fx;
    return top * (1 - fy) + bottom * fy;
  }

  /** Catmull-Rom (Keys a = -0.5) weights for fractional offset t. */
  function cubicWeights(t: number, out: Float64Array): void {
    const t2 = t * t, t3 = t2 * t;
    out[0] = -0.5 * t3 + t2 - 0.5 * t;
    out[1] = 1.5 * t3 - 2.5 * t2 + 1;
    out[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
    out[3] = 0.5 * t3 - 0.5 * t2;
  }
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);

  function warp(bicubic: boolean, src: Ptr, sw: number, sh: number, dst: Ptr, dw: number, dh: number,
    m00: number, m01: number, m02: number, m10: number, m11: number, m12: number): void {
    const s = f32(src, sw * sh);
    const d = f32(dst, dw * dh);
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const u = m00 * x + m01 * y + m02;
        const v = m10 * x + m11 * y + m12;
        if (!bicubic) {
          d[y * dw + x] = sampleBilinear(s, sw, sh, u, v);
          continue;
        }
        const x0 = Math.floor(u), y0 = Math.floor(v);
        cubicWeights(u - x0, wx);
        cubicWeights(v - y0, wy);
        let acc = 0;
        for (let j = 0; j < 4; j++) {
          const row = clampIndex(y0 - 1 + j, sh) * sw;
          let r = 0;
          for (let i = 0; i < 4; i++) r += wx[i]! * s[row + clampIndex(x0 - 1 + i, sw)]!;
          acc += wy[j]! * r;
        }
        d[y * dw + x] = acc;
      }
    }
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

  function boxPass(src: Float32Array, dst: Float32Array, w: number, h: number, r: number, horizontal: boolean): void {
    const n = horizontal ? w : h;
    const lines = horizontal ? h : w;
    const line = new Float64Array(n);
    const norm = 1 / (2 * r + 1);
    for (let l = 0; l < lines; l++) {
      const at = (i: number) => (horizontal ? l * w + i : i * w + l);
      for (let i = 0; i < n; i++) line[i] = src[at(i)]!;
      // Running sum over the reflected sequence.
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += line[reflect(k, n)]!;
      for (let i = 0; i < n; i++) {
        dst[at(i)] = sum * norm;
        sum += line[reflect(i + r + 1, n)]! - line[reflect(i - r, n)]!;
      }
    }
  }

  function deinterleave(s: Uint8Array | Uint16Array, pixels: number, components: number, component: number, d: Float32Array, scale: number): void {
    for (let i = 0; i < pixels; i++) d[i] = s[i * components + component]! * scale;
  }

  /** Round to nearest, clamp to 0..maxValue, NaN to 0. */
  function interleave(s: Float32Array, pixels: number, components: number, component: number, d: Uint8Array | Uint16Array, scale: number, maxValue: number): void {
    for (let i = 0; i < pixels; i++) {
      const v = Math.floor(s[i]! * scale + 0.5);
      d[i * components + component] = v > 0 ? (v < maxValue ? v : maxValue) : 0;
    }
  }

  /** [1 4 6 4 1]/16 taps. */
  const B = [6 / 16, 4 / 16, 1 / 16];

  return {
    kind: 'typescript',
    arena,

    deinterleaveU8(src, pixels, components, component, dst, scale) {
      deinterleave(arena.u8(src, pixels * components), pixels, components, component, f32(dst, pixels), scale);
    },
    deinterleaveU16(src, pixels, components, component, dst, scale) {
      deinterleave(arena.u16(src, pixels * components), pixels, components, component, f32(dst, pixels), scale);
    },
    interleaveU8(src, pixels, components, component, dst, scale, maxValue) {
      interleave(f32(src, pixels), pixels, components, component, arena.u8(dst, pixels * components), scale, maxValue);
    },
    interleaveU16(src, pixels, components, component, dst, scale, maxValue) {
      interleave(f32(src, pixels), pixels, components, component, arena.u16(dst, pixels * components), scale, maxValue);
    },

    warpAffineBicubic(src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12) {
      warp(true, src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12);
    },
    warpAffineBilinear(src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12) {
      warp(false, src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12);
    },

    convolveSeparable(src, dst, tmp, w, h, weights, radius) {
      const taps = f32(weights, radius + 1);
      convolvePass(f32(src, w * h), f32(tmp, w * h), w, h, taps, radius, true);
      convolvePass(f32(tmp, w * h), f32(dst, w * h), w, h, taps, radius, false);
    },
    boxBlur(src, dst, tmp, w, h, radius) {
      boxPass(f32(src, w * h), f32(tmp, w * h), w, h, radius, true);
      boxPass(f32(tmp, w * h), f32(dst, w * h), w, h, radius, false);
    },

    luminance(r, g, b, dst, n, wr, wg, wb) {
      const R = f32(r, n), G = f32(g, n), Bl = f32(b, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = wr * R[i]! + wg * G[i]! + wb * Bl[i]!;
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
    absolute(src, dst, n) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = Math.abs(s[i]!);
    },
    addScaled(dst, src, n, weight) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = d[i]! + weight * s[i]!;
    },
    scaleOffset(src, dst, n, scale, offset) {
      const s = f32(src, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = s[i]! * scale + offset;
    },
    divideSafe(num, den, dst, n, eps, fallback) {
      const a = f32(num, n), b = f32(den, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = b[i]! > eps ? a[i]! / b[i]! : fallback;
    },

    argmaxUpdate(score, bestScore, bestIndex, n, index) {
      const s = f32(score, n), bs = f32(bestScore, n), bi = f32(bestIndex, n);
      for (let i = 0; i < n; i++) {
        if (s[i]! > bs[i]!) {
          bs[i] = s[i]!;
          bi[i] = index;
        }
      }
    },
    indexVote(bestIndex, weight, dst, n, index, cumulative) {
      const bi = f32(bestIndex, n), w = f32(weight, n), d = f32(dst, n);
      for (let i = 0; i < n; i++) d[i] = (cumulative ? bi[i]! <= index : bi[i]! === index) ? w[i]! : 0;
    },

    pyrDown(src, w, h, dst) {
      const s = f32(src, w * h);
      const dw = Math.ceil(w / 2), dh = Math.ceil(h / 2);
      const d = f32(dst, dw * dh);
      const rows = new Float32Array(w * dh);
      for (let y = 0; y < dh; y++) {
        const cy = 2 * y;
        for (let x = 0; x < w; x++) {
          rows[y * w + x] = B[0]! * s[cy * w + x]!
            + B[1]! * (s[reflect(cy - 1, h) * w + x]! + s[reflect(cy + 1, h) * w + x]!)
            + B[2]! * (s[reflect(cy - 2, h) * w + x]! + s[reflect(cy + 2, h) * w + x]!);
        }
      }
      for (let y = 0; y < dh; y++) {
        for (let x = 0; x < dw; x++) {
          const cx = 2 * x;
          const r = y * w;
          d[y * dw + x] = B[0]! * rows[r + cx]!
            + B[1]! * (rows[r + reflect(cx - 1, w)]! + rows[r + reflect(cx + 1, w)]!)
            + B[2]! * (rows[r + reflect(cx - 2, w)]! + rows[r + reflect(cx + 2, w)]!);
        }
      }
    },
    pyrUpAdd(src, w, h, dst, sign) {
      const sw = Math.ceil(w / 2), sh = Math.ceil(h / 2);
      const s = f32(src, sw * sh);
      const d = f32(dst, w * h);
      // Zero-stuffed value at fine position i: src[i/2] for even i, else 0; filter 2*[1 4 6 4 1]/16 per axis.
      const stuffed = (i: number, n: number) => {
        const r = reflect(i, n);
        return r % 2 === 0 ? r / 2 : -1;
      };
      const cols = new Float32Array(sw * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < sw; x++) {
          let acc = 0;
          for (let k = -2; k <= 2; k++) {
            const yy = stuffed(y + k, h);
            if (yy >= 0) acc += 2 * B[Math.abs(k)]! * s[yy * sw + x]!;
          }
          cols[y * sw + x] = acc;
        }
      }
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let acc = 0;
          for (let k = -2; k <= 2; k++) {
            const xx = stuffed(x + k, w);
            if (xx >= 0) acc += 2 * B[Math.abs(k)]! * cols[y * sw + xx]!;
          }
          d[y * w + x] = d[y * w + x]! + sign * acc;
        }
      }
    },
    pyramidSelect(score, best, n, channels, src0, dst0, src1, dst1, src2, dst2) {
      const s = f32(score, n), b = f32(best, n);
      const srcs = [src0, src1, src2].slice(0, channels).map((p) => f32(p, n));
      const dsts = [dst0, dst1, dst2].slice(0, channels).map((p) => f32(p, n));
      for (let i = 0; i < n; i++) {
        if (s[i]! > b[i]!) {
          b[i] = s[i]!;
          for (let c = 0; c < channels; c++) dsts[c]![i] = srcs[c]![i]!;
        }
      }
    },

    blendNormal(dst, src, mask, n) {
      const d = f32(dst, n), s = f32(src, n), m = f32(mask, n);
      for (let i = 0; i < n; i++) d[i] = m[i]! * s[i]! + (1 - m[i]!) * d[i]!;
    },

    lkAccumulate(T, I, Ix, Iy, w, h, step, params, out) {
      const t = f32(T, w * h), im = f32(I, w * h), gx = f32(Ix, w * h), gy = f32(Iy, w * h);
      const p = arena.f64(params, 8);
      const [cx, cy, a, b, tx, ty, alpha, beta] = [p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!];
      const o = arena.f64(out, 29);
      o.fill(0);
      const J = new Float64Array(6);
      for (let y = 0; y < h; y += step) {
        for (let x = 0; x < w; x += step) {
          const u = x - cx, v = y - cy;
          const xp = (1 + a) * u - b * v + cx + tx;
          const yp = b * u + (1 + a) * v + cy + ty;
          if (xp < 0 || yp < 0 || xp > w - 1 || yp > h - 1) continue;
          const iv = sampleBilinear(im, w, h, xp, yp);
          const ix = sampleBilinear(gx, w, h, xp, yp);
          const iy = sampleBilinear(gy, w, h, xp, yp);
          const tv = t[y * w + x]!;
          const r = iv - alpha * tv - beta;
          J[0] = ix * u + iy * v;
          J[1] = -ix * v + iy * u;
          J[2] = ix;
          J[3] = iy;
          J[4] = -tv;
          J[5] = -1;
          let k = 0;
          for (let i = 0; i < 6; i++) for (let j = i; j < 6; j++) o[k++] += J[i]! * J[j]!;
          for (let i = 0; i < 6; i++) o[21 + i] += J[i]! * r;
          o[27] += r * r;
          o[28] += 1;
        }
      }
    },
  };
}
